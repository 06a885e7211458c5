#include <boost/test/unit_test.hpp>

#include "domain/invite.hpp"
#include "tests/unit/domain/amsterdam.hpp"
#include "tests/unit/domain/booking_fixtures.hpp"

using namespace tutorbot::domain;
using tutorbot::domain::test::local;
using tutorbot::domain::test::monday_lesson_at_four;

namespace {

tutor_rules anouk() {
  tutor_rules t;
  t.id = "anouk";
  t.name = "Anouk de Vries";
  t.location = "Oudegracht 120, Utrecht";
  return t;
}

product lesson() {
  product p;
  p.id = "lesson_60";
  p.name_nl = "Bijles 60 minuten";
  p.name_en = "Tutoring 60 minutes";
  return p;
}

lesson_student sanne() { return {"Sanne", "sanne@example.nl", "havo 4", "wiskunde B", language::nl}; }

const auto now = local(2027, 3, 20, 10, 0);

}  // namespace

BOOST_AUTO_TEST_SUITE(invite)

BOOST_AUTO_TEST_CASE(a_confirmed_booking_invites_the_student_for_the_school) {
  const auto t = anouk();
  const auto p = lesson();
  const auto i = invite_for(monday_lesson_at_four(), sanne(), {&t, &p, {"Bijlesschool", "info@school.nl"}, "Europe/Amsterdam"}, now);
  BOOST_TEST(to_string(i.method) == to_string(invite_method::request));
  BOOST_TEST(!i.cancelled);
  BOOST_TEST(i.uid == "0b5e7f3a-5c1d-4d0e-9f51-2f6b1c9d8e71@tutorbot");
  BOOST_TEST(i.summary == "Bijles wiskunde B met Anouk de Vries");
  BOOST_TEST(i.description.find("Bijles 60 minuten met Anouk de Vries voor Sanne.") == 0);
  BOOST_TEST(i.location == "Oudegracht 120, Utrecht");
  BOOST_REQUIRE(i.organizer);
  BOOST_TEST(i.organizer->email == "info@school.nl");
  BOOST_REQUIRE(i.attendees.size() == 1u);
  BOOST_TEST(i.attendees[0].email == "sanne@example.nl");
  BOOST_TEST(i.attendees[0].name == "Sanne");
  BOOST_TEST(i.time_zone == "Europe/Amsterdam");
  BOOST_TEST((i.stamp == now));
}

BOOST_AUTO_TEST_CASE(the_invite_speaks_the_students_language) {
  const auto t = anouk();
  const auto p = lesson();
  auto student = sanne();
  student.lang = language::en;
  student.subject.clear();
  const auto i = invite_for(monday_lesson_at_four(), student, {&t, &p, {"School", "info@school.nl"}, "Europe/Amsterdam"}, now);
  BOOST_TEST(i.summary == "Lesson with Anouk de Vries");
  BOOST_TEST(i.description.find("Tutoring 60 minutes with Anouk de Vries for Sanne.") == 0);
}

BOOST_AUTO_TEST_CASE(a_cancelled_booking_withdraws_the_same_event_with_its_raised_sequence) {
  auto b = monday_lesson_at_four();
  b.status = booking_status::cancelled;
  b.invite_sequence = 2;
  const auto i = invite_for(b, sanne(), {nullptr, nullptr, {"School", "info@school.nl"}, "Europe/Amsterdam"}, now);
  BOOST_TEST(to_string(i.method) == to_string(invite_method::cancel));
  BOOST_TEST(i.cancelled);
  BOOST_TEST(i.sequence == 2);
  BOOST_TEST(i.uid == "0b5e7f3a-5c1d-4d0e-9f51-2f6b1c9d8e71@tutorbot");
}

BOOST_AUTO_TEST_CASE(without_an_organizer_or_a_student_address_the_invite_is_only_published) {
  const auto no_school = invite_for(monday_lesson_at_four(), sanne(), {nullptr, nullptr, {"School", ""}, "Europe/Amsterdam"}, now);
  BOOST_TEST(to_string(no_school.method) == to_string(invite_method::publish));
  BOOST_TEST(!no_school.organizer);
  auto student = sanne();
  student.email.clear();
  const auto no_address = invite_for(monday_lesson_at_four(), student, {nullptr, nullptr, {"School", "info@school.nl"}, "Europe/Amsterdam"}, now);
  BOOST_TEST(to_string(no_address.method) == to_string(invite_method::publish));
  BOOST_TEST(no_address.attendees.empty());
  // Without the tutor's and the product's configuration their ids stand in.
  BOOST_TEST(no_address.summary == "Bijles wiskunde B met anouk");
}

BOOST_AUTO_TEST_CASE(a_parent_who_booked_is_invited_beside_the_student_and_alone_when_the_student_has_no_address) {
  const auto t = anouk();
  const auto p = lesson();
  const invite_sources sources{&t, &p, {"Bijlesschool", "info@school.nl"}, "Europe/Amsterdam"};
  auto by_parent = sanne();
  by_parent.parent_booked = true;
  by_parent.email = "ouder@example.nl";
  by_parent.own_email = "sanne@example.nl";
  const auto both = invite_for(monday_lesson_at_four(), by_parent, sources, now);
  BOOST_TEST(to_string(both.method) == "REQUEST");
  BOOST_REQUIRE(both.attendees.size() == 2u);
  BOOST_TEST(both.attendees[0].email == "sanne@example.nl");
  BOOST_TEST(both.attendees[0].name == "Sanne");
  BOOST_TEST(both.attendees[1].email == "ouder@example.nl");
  BOOST_TEST(both.attendees[1].name == "Ouder van Sanne");

  by_parent.own_email = "Ouder@Example.nl";  // the parent's own address given twice: one attendee
  BOOST_TEST(attendees_of(by_parent).size() == 1u);

  by_parent.own_email.clear();
  const auto parent_only = attendees_of(by_parent);
  BOOST_REQUIRE(parent_only.size() == 1u);
  BOOST_TEST(parent_only[0].email == "ouder@example.nl");
  by_parent.lang = language::en;
  BOOST_TEST(attendees_of(by_parent)[0].name == "Parent of Sanne");

  // A student who writes has one address; a stale second one from an earlier parent is not theirs.
  auto own = sanne();
  own.own_email = "old@example.nl";
  BOOST_REQUIRE(attendees_of(own).size() == 1u);
  BOOST_TEST(attendees_of(own)[0].email == "sanne@example.nl");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tutor_event)

BOOST_AUTO_TEST_CASE(the_tutors_event_says_who_is_coming_and_why_and_links_the_conversation) {
  const auto t = anouk();
  const auto p = lesson();
  auto b = monday_lesson_at_four();
  b.student_ref = "chatwoot:95536123";
  const auto text = tutor_event_for(b, sanne(), {&t, &p, {}, "Europe/Amsterdam"},
                                    "https://chat.example.nl/app/accounts/1/conversations/95536123");
  BOOST_TEST(text.summary == "Bijles 60 minuten — Sanne");
  BOOST_TEST(text.description ==
             "Docent: Anouk de Vries\nLeerling: Sanne\nNiveau: havo 4\nVak: wiskunde B\n"
             "Gesprek: https://chat.example.nl/app/accounts/1/conversations/95536123\n"
             "Geboekt via tutorbot (boeking 0b5e7f3a-5c1d-4d0e-9f51-2f6b1c9d8e71).");
  BOOST_TEST(text.description.find("sanne@example.nl") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_student_the_school_knows_nothing_of_is_named_by_the_callers_reference) {
  auto b = monday_lesson_at_four();
  b.student_ref = "crm-4711";
  const auto text = tutor_event_for(b, {}, {}, "");
  BOOST_TEST(text.summary == "lesson_60 — crm-4711");
  BOOST_TEST(text.description ==
             "Docent: anouk\nLeerling: crm-4711\nGeboekt via tutorbot (boeking 0b5e7f3a-5c1d-4d0e-9f51-2f6b1c9d8e71).");
}

BOOST_AUTO_TEST_SUITE_END()
