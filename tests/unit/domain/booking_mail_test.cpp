#include <boost/test/unit_test.hpp>

#include "domain/booking_mail.hpp"
#include "domain/texts.hpp"
#include "tests/unit/domain/amsterdam.hpp"
#include "tests/unit/domain/booking_fixtures.hpp"

using namespace tutorbot::domain;
using tutorbot::domain::test::amsterdam;
using tutorbot::domain::test::local;
using tutorbot::domain::test::monday_lesson_at_four;

namespace {

struct sources_fixture {
  sources_fixture() {
    tutor.name = "Anouk de Vries";
    tutor.location = "Oudegracht 120 <achterom>";
    lesson.name_nl = "Bijles 60 minuten";
    lesson.name_en = "Tutoring 60 minutes";
    sources = {&tutor, &lesson, {"Bijlesschool & Co", "info@school.nl"}, "Europe/Amsterdam"};
  }
  tutor_rules tutor;
  product lesson;
  invite_sources sources;
  lesson_student sanne{"Sanne", "sanne@example.nl", "havo 4", "wiskunde B", language::nl};
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(booking_mail, sources_fixture)

BOOST_AUTO_TEST_CASE(a_new_lesson_says_when_where_and_with_whom_in_the_students_language) {
  const auto mail = booking_mail_for(monday_lesson_at_four(), sanne, sources, amsterdam(), mail_occasion::confirmed);
  BOOST_TEST(mail.subject == "Je les staat vast: maandag 29 maart 2027 om 16:00");
  BOOST_TEST(mail.text.find("Hoi Sanne,\n\nJe les staat vast: Bijles 60 minuten met Anouk de Vries, maandag 29 maart 2027 om 16:00."
                            "\nWaar: Oudegracht 120 <achterom>") == 0u, mail.text);
  BOOST_TEST(mail.text.find("Groeten,\nBijlesschool & Co") != std::string::npos, mail.text);
  BOOST_TEST(mail.html.find("<p>Hoi Sanne,</p>") != std::string::npos, mail.html);
  BOOST_TEST(mail.html.find("<br>Waar: Oudegracht 120 &lt;achterom&gt;</p>") != std::string::npos, mail.html);
  BOOST_TEST(mail.html.find("Bijlesschool &amp; Co") != std::string::npos, mail.html);
  auto english = sanne;
  english.lang = language::en;
  BOOST_TEST(booking_mail_for(monday_lesson_at_four(), english, sources, amsterdam(), mail_occasion::confirmed).subject ==
             "Your lesson is booked: Monday 29 March 2027 at 4:00 pm");
}

BOOST_AUTO_TEST_CASE(a_moved_and_a_cancelled_lesson_say_so_and_a_cancellation_names_no_place) {
  auto moved = monday_lesson_at_four();
  moved.invite_sequence = 1;
  BOOST_TEST((change_of(moved) == mail_occasion::moved));
  BOOST_TEST(booking_mail_for(moved, sanne, sources, amsterdam(), change_of(moved)).subject == "Je les is verzet: maandag 29 maart 2027 om 16:00");
  auto cancelled = moved;
  cancelled.status = booking_status::cancelled;
  cancelled.invite_sequence = 2;
  BOOST_TEST((change_of(cancelled) == mail_occasion::cancelled));
  const auto mail = booking_mail_for(cancelled, sanne, sources, amsterdam(), change_of(cancelled));
  BOOST_TEST(mail.subject == "Je les is geannuleerd: maandag 29 maart 2027 om 16:00");
  BOOST_TEST(mail.text.find("Waar:") == std::string::npos, mail.text);
  BOOST_TEST(mail.text.find("haalt de bijlage hem eruit") != std::string::npos, mail.text);
}

BOOST_AUTO_TEST_CASE(a_cancellation_names_the_refund_or_the_credit_it_gave_back) {
  auto cancelled = monday_lesson_at_four();
  cancelled.status = booking_status::cancelled;
  cancelled.invite_sequence = 1;
  const auto refunded = booking_mail_for(cancelled, sanne, sources, amsterdam(), mail_occasion::cancelled, {cents{4500}, false});
  BOOST_TEST(refunded.text.find("De terugbetaling van " + format_money(language::nl, cents{4500}) + " naar de rekening") !=
                 std::string::npos,
             refunded.text);
  BOOST_TEST(refunded.text.find("tegoed") == std::string::npos, refunded.text);
  const auto credited = booking_mail_for(cancelled, sanne, sources, amsterdam(), mail_occasion::cancelled, {cents{0}, true});
  BOOST_TEST(credited.text.find("De les staat weer als tegoed voor je klaar") != std::string::npos, credited.text);
  BOOST_TEST(credited.text.find("De terugbetaling") == std::string::npos, credited.text);
  const auto kept = booking_mail_for(cancelled, sanne, sources, amsterdam(), mail_occasion::cancelled, {});
  BOOST_TEST(kept.text.find("De terugbetaling") == std::string::npos, kept.text);
  BOOST_TEST(kept.text.find("tegoed") == std::string::npos, kept.text);
  // Only a cancellation says it.
  const auto booked = booking_mail_for(monday_lesson_at_four(), sanne, sources, amsterdam(), mail_occasion::confirmed, {cents{4500}, true});
  BOOST_TEST(booked.text.find("De terugbetaling") == std::string::npos, booked.text);
}

BOOST_AUTO_TEST_CASE(a_student_without_a_name_is_greeted_without_one) {
  auto nameless = sanne;
  nameless.name.clear();
  BOOST_TEST(booking_mail_for(monday_lesson_at_four(), nameless, sources, amsterdam(), mail_occasion::confirmed).text.find("Hoi,\n\n") == 0u);
}

BOOST_AUTO_TEST_CASE(a_reminder_says_when_and_where_the_lesson_is_and_attaches_the_invite_again) {
  const auto mail = booking_mail_for(monday_lesson_at_four(), sanne, sources, amsterdam(), mail_occasion::reminder);
  BOOST_TEST(mail.subject == "Herinnering: je les maandag 29 maart 2027 om 16:00");
  BOOST_TEST(mail.text.find("Tot snel! Je les: Bijles 60 minuten met Anouk de Vries, maandag 29 maart 2027 om 16:00.\nWaar: ") !=
                 std::string::npos, mail.text);
  BOOST_TEST(mail.text.find("De agenda-uitnodiging zit er nog een keer bij") != std::string::npos, mail.text);
  auto english = sanne;
  english.lang = language::en;
  BOOST_TEST(booking_mail_for(monday_lesson_at_four(), english, sources, amsterdam(), mail_occasion::reminder).subject ==
             "Reminder: your lesson Monday 29 March 2027 at 4:00 pm");
}

BOOST_AUTO_TEST_CASE(when_google_sends_the_invite_the_mail_says_so_and_promises_no_attachment) {
  const auto b = monday_lesson_at_four();
  const auto google = invite_sender::google;
  const auto confirmed = booking_mail_for(b, sanne, sources, amsterdam(), mail_occasion::confirmed, {}, google);
  BOOST_TEST(confirmed.text.find("Google Agenda stuurt je de uitnodiging in een aparte e-mail.") != std::string::npos,
             confirmed.text);
  BOOST_TEST(confirmed.text.find("zit bij deze e-mail") == std::string::npos, confirmed.text);
  auto withdrawn = b;
  withdrawn.status = booking_status::cancelled;
  const auto cancelled = booking_mail_for(withdrawn, sanne, sources, amsterdam(), mail_occasion::cancelled, {}, google);
  BOOST_TEST(cancelled.text.find("haalt Google Agenda hem eruit") != std::string::npos, cancelled.text);
  BOOST_TEST(cancelled.text.find("bijlage") == std::string::npos, cancelled.text);
  const auto reminder = booking_mail_for(b, sanne, sources, amsterdam(), mail_occasion::reminder, {}, google);
  BOOST_TEST(reminder.text.find("agenda-uitnodiging") == std::string::npos, reminder.text);
  BOOST_TEST(reminder.text.find("Tot snel!") != std::string::npos, reminder.text);
}

BOOST_AUTO_TEST_SUITE_END()
