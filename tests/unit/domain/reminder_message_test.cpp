#include <boost/test/unit_test.hpp>

#include "domain/reminder_message.hpp"
#include "domain/reminder_plan.hpp"
#include "tests/unit/domain/amsterdam.hpp"
#include "tests/unit/domain/booking_fixtures.hpp"

using namespace tutorbot::domain;
using tutorbot::domain::test::amsterdam;
using tutorbot::domain::test::local;
using tutorbot::domain::test::monday_lesson_at_four;
using namespace std::chrono_literals;

namespace {

struct anouk_fixture {
  anouk_fixture() {
    tutor.name = "Anouk de Vries";
    sources.tutor = &tutor;
  }
  tutor_rules tutor;
  invite_sources sources;
  lesson_student sanne{"Sanne", "sanne@example.nl", "havo 4", "wiskunde B", language::nl};
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(reminder_message, anouk_fixture)

BOOST_AUTO_TEST_CASE(the_whatsapp_reminder_names_the_tutor_the_day_and_the_time_in_the_students_language) {
  const auto fields = reminder_fields_for(monday_lesson_at_four(), sanne.name, sources, amsterdam(), language::nl);
  BOOST_TEST(whatsapp_reminder_text(language::nl, fields).find(
                 "⏰ Herinnering: je les met Anouk de Vries is maandag 29 maart 2027 om 16:00.\n") == 0u,
             whatsapp_reminder_text(language::nl, fields));
  const auto english_fields = reminder_fields_for(monday_lesson_at_four(), sanne.name, sources, amsterdam(), language::en);
  BOOST_TEST(whatsapp_reminder_text(language::en, english_fields).find(
                 "⏰ Reminder: your lesson with Anouk de Vries is Monday 29 March 2027 at 4:00 pm.\n") == 0u,
             whatsapp_reminder_text(language::en, english_fields));
}

BOOST_AUTO_TEST_CASE(the_templates_values_follow_the_configured_order_and_may_leave_fields_out) {
  const auto fields = reminder_fields_for(monday_lesson_at_four(), sanne.name, sources, amsterdam(), language::nl);
  BOOST_TEST((template_values(fields, {reminder_field::name, reminder_field::day, reminder_field::time, reminder_field::tutor}) ==
              std::vector<std::string>{"Sanne", "maandag 29 maart 2027", "16:00", "Anouk de Vries"}));
  BOOST_TEST((template_values(fields, {reminder_field::tutor, reminder_field::time}) ==
              std::vector<std::string>{"Anouk de Vries", "16:00"}));
}

BOOST_AUTO_TEST_CASE(a_template_never_gets_an_empty_name_which_whatsapp_would_refuse) {
  const auto nameless = reminder_fields_for(monday_lesson_at_four(), "", sources, amsterdam(), language::nl);
  BOOST_TEST(template_values(nameless, {reminder_field::name}).at(0) == "daar");
  BOOST_TEST(reminder_fields_for(monday_lesson_at_four(), "", sources, amsterdam(), language::en).name == "there");
}

BOOST_AUTO_TEST_CASE(a_reminder_is_wanted_only_for_the_lesson_as_it_was_planned_and_before_it_begins) {
  const auto lesson = monday_lesson_at_four();
  const auto day_before = lesson.lesson_start - 24h;
  BOOST_TEST(reminder_still_wanted(lesson, 0, day_before));
  BOOST_TEST(!reminder_still_wanted(lesson, 0, lesson.lesson_start));  // begun
  auto moved = lesson;
  moved.invite_sequence = 1;
  BOOST_TEST(!reminder_still_wanted(moved, 0, day_before));
  BOOST_TEST(reminder_still_wanted(moved, 1, day_before));
  auto cancelled = moved;
  cancelled.status = booking_status::cancelled;
  cancelled.invite_sequence = 2;
  BOOST_TEST(!reminder_still_wanted(cancelled, 2, day_before));
  auto held = lesson;
  held.status = booking_status::held;
  BOOST_TEST(!reminder_still_wanted(held, 0, day_before));
}

BOOST_AUTO_TEST_SUITE_END()
