// The rules about bad input of the /api/v1/ routes, without a server: every refusal names
// its status and code, and what passes is read exactly.
#include <boost/test/unit_test.hpp>
#include <date/tz.h>

#include "app/api_requests.hpp"
#include "domain/instant.hpp"

using namespace tutorbot;
using app::api_problem;

namespace {

const date::time_zone* amsterdam() { return date::locate_zone("Europe/Amsterdam"); }

template <class T>
api_problem problem_of(const app::parsed<T>& p) {
  BOOST_REQUIRE(std::holds_alternative<api_problem>(p));
  return std::get<api_problem>(p);
}

template <class T>
const T& value_of(const app::parsed<T>& p) {
  if (const auto* problem = std::get_if<api_problem>(&p)) BOOST_FAIL("refused: " << problem->code << ": " << problem->message);
  return std::get<T>(p);
}

std::chrono::sys_seconds at(const char* text) { return domain::parse_rfc3339(text).value(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(slots_query)

BOOST_AUTO_TEST_CASE(local_days_become_the_instants_of_their_midnights_across_a_dst_change) {
  // 2027-03-28 is the last Sunday of March: Amsterdam moves from UTC+1 to UTC+2.
  auto q = value_of(app::parse_slots_query("2027-03-27", "2027-03-28", "60", amsterdam()));
  BOOST_TEST(domain::rfc3339(q.from) == domain::rfc3339(at("2027-03-26T23:00:00Z")));
  BOOST_TEST(domain::rfc3339(q.to) == domain::rfc3339(at("2027-03-28T22:00:00Z")));
  BOOST_TEST(q.duration_minutes == 60);
}

BOOST_AUTO_TEST_CASE(bad_dates_durations_and_windows_are_refused_with_their_codes) {
  BOOST_TEST(problem_of(app::parse_slots_query("", "2026-12-10", "60", amsterdam())).code == "bad_date");
  BOOST_TEST(problem_of(app::parse_slots_query("2026-12-01", "2026-13-01", "60", amsterdam())).code == "bad_date");
  BOOST_TEST(problem_of(app::parse_slots_query("2026-12-01", "2026-12-10", "", amsterdam())).code == "bad_duration");
  BOOST_TEST(problem_of(app::parse_slots_query("2026-12-01", "2026-12-10", "0", amsterdam())).code == "bad_duration");
  BOOST_TEST(problem_of(app::parse_slots_query("2026-12-01", "2026-12-10", "-5", amsterdam())).code == "bad_duration");
  BOOST_TEST(problem_of(app::parse_slots_query("2026-12-01", "2026-12-10", "60m", amsterdam())).code == "bad_duration");
  BOOST_TEST(problem_of(app::parse_slots_query("2026-12-01", "2026-12-10", "1234567", amsterdam())).code == "bad_duration");
  BOOST_TEST(problem_of(app::parse_slots_query("2026-12-10", "2026-12-09", "60", amsterdam())).code == "bad_window");
  // 92 days from the first: one too many.
  BOOST_TEST(problem_of(app::parse_slots_query("2026-12-01", "2027-03-03", "60", amsterdam())).code == "bad_window");
  BOOST_TEST(problem_of(app::parse_slots_query("2026-12-01", "2027-03-03", "60", amsterdam())).status == 400);
  value_of(app::parse_slots_query("2026-12-01", "2027-03-02", "60", amsterdam()));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bookings_window)

BOOST_AUTO_TEST_CASE(one_day_runs_from_its_local_midnight_to_the_next) {
  auto w = value_of(app::parse_bookings_window("2026-12-07", "2026-12-07", amsterdam()));
  BOOST_TEST(domain::rfc3339(w.begin) == domain::rfc3339(at("2026-12-06T23:00:00Z")));
  BOOST_TEST(domain::rfc3339(w.end) == domain::rfc3339(at("2026-12-07T23:00:00Z")));
}

BOOST_AUTO_TEST_CASE(a_missing_date_or_an_end_before_the_start_is_refused) {
  BOOST_TEST(problem_of(app::parse_bookings_window("", "2026-12-07", amsterdam())).code == "bad_date");
  BOOST_TEST(problem_of(app::parse_bookings_window("2026-12-08", "2026-12-07", amsterdam())).code == "bad_date");
  BOOST_TEST(problem_of(app::parse_bookings_window("7-12-2026", "2026-12-07", amsterdam())).code == "bad_date");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hold_request)

BOOST_AUTO_TEST_CASE(a_complete_request_is_read_field_by_field) {
  auto h = value_of(app::parse_hold_request(
      R"({"tutor_id":"anouk","start":"2026-12-01T16:00:00+01:00","duration_minutes":60,"student_ref":"s-1"})"));
  BOOST_TEST(h.tutor_id == "anouk");
  BOOST_TEST(domain::rfc3339(h.start) == domain::rfc3339(at("2026-12-01T15:00:00Z")));
  BOOST_TEST(h.duration_minutes == 60);
  BOOST_TEST(h.student_ref == "s-1");
}

BOOST_AUTO_TEST_CASE(each_kind_of_bad_body_gets_its_own_code) {
  BOOST_TEST(problem_of(app::parse_hold_request("not json")).code == "bad_json");
  BOOST_TEST(problem_of(app::parse_hold_request("[1,2]")).code == "bad_json");
  BOOST_TEST(problem_of(app::parse_hold_request(R"({"tutor_id":"anouk"})")).code == "bad_request");
  BOOST_TEST(problem_of(app::parse_hold_request(
                 R"({"tutor_id":"anouk","start":"2026-12-01T16:00:00+01:00","duration_minutes":"60","student_ref":"s"})"))
                 .code == "bad_request");
  BOOST_TEST(problem_of(app::parse_hold_request(
                 R"({"tutor_id":"anouk","start":"1 December","duration_minutes":60,"student_ref":"s"})"))
                 .code == "bad_date");
  BOOST_TEST(problem_of(app::parse_hold_request(
                 R"({"tutor_id":"anouk","start":"2026-12-01T16:00:00Z","duration_minutes":0,"student_ref":"s"})"))
                 .code == "bad_duration");
  BOOST_TEST(problem_of(app::parse_hold_request(
                 R"({"tutor_id":"anouk","start":"2026-12-01T16:00:00Z","duration_minutes":1441,"student_ref":"s"})"))
                 .code == "bad_duration");
  const std::string long_ref(201, 'x');
  BOOST_TEST(problem_of(app::parse_hold_request(R"({"tutor_id":"anouk","start":"2026-12-01T16:00:00Z",)"
                                                R"("duration_minutes":60,"student_ref":")" + long_ref + "\"}"))
                 .code == "bad_request");
  value_of(app::parse_hold_request(R"({"tutor_id":"anouk","start":"2026-12-01T16:00:00Z","duration_minutes":1440,)"
                                   R"("student_ref":")" + std::string(200, 'x') + "\"}"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(transition_requests)

BOOST_AUTO_TEST_CASE(a_reschedule_names_the_hold_to_move_onto) {
  BOOST_TEST(value_of(app::parse_reschedule_request(R"({"hold_id":"b-2"})")).value == "b-2");
  BOOST_TEST(problem_of(app::parse_reschedule_request(R"({"hold_id":2})")).code == "bad_request");
  BOOST_TEST(problem_of(app::parse_reschedule_request("")).code == "bad_request");
}

BOOST_AUTO_TEST_CASE(a_confirmation_without_payment_says_who_and_why_within_bounds) {
  auto by = value_of(app::parse_override_request(R"({"staff":"Mira","reason":"paid in cash"})"));
  BOOST_TEST(by.staff == "Mira");
  BOOST_TEST(by.reason == "paid in cash");
  BOOST_TEST(problem_of(app::parse_override_request("")).code == "override_required");
  BOOST_TEST(problem_of(app::parse_override_request(R"({"staff":"Mira"})")).code == "override_required");
  BOOST_TEST(problem_of(app::parse_override_request(R"({"staff":"","reason":"cash"})")).code == "override_required");
  BOOST_TEST(problem_of(app::parse_override_request(R"({"staff":")" + std::string(101, 'm') + R"(","reason":"cash"})"))
                 .code == "override_required");
  BOOST_TEST(problem_of(app::parse_override_request(R"({"staff":"Mira","reason":")" + std::string(501, 'r') + R"("})"))
                 .code == "override_required");
  value_of(app::parse_override_request(R"({"staff":")" + std::string(100, 'm') + R"(","reason":")" +
                                       std::string(500, 'r') + R"("})"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(series_request)

namespace {

domain::series_rules school() {
  domain::series_rules rules;
  rules.max_lessons = 10;
  rules.on_clash = domain::collision_policy::move_within_week;
  return rules;
}

std::string body(const std::string& extra) {
  return R"({"tutor_id":"anouk","first_start":"2026-10-13T16:00:00+02:00","duration_minutes":60,"student_ref":"s1")" +
         extra + "}";
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_weekly_count_is_read_exactly_and_the_policy_defaults_to_the_schools) {
  const auto parsed = app::parse_series_request(body(R"(,"interval_weeks":1,"count":8)"), school(), amsterdam());
  const auto& f = value_of(parsed);
  BOOST_TEST(f.tutor_id == "anouk");
  BOOST_TEST(f.student_ref == "s1");
  BOOST_TEST(domain::rfc3339(f.series.first_start) == "2026-10-13T14:00:00Z");
  BOOST_TEST(f.series.interval_weeks == 1);
  BOOST_TEST(f.series.count.value_or(0) == 8);
  BOOST_TEST(!f.series.until.has_value());
  BOOST_TEST((f.on_clash == domain::collision_policy::move_within_week));
}

BOOST_AUTO_TEST_CASE(until_is_an_inclusive_local_date_and_on_clash_is_named) {
  const auto parsed = app::parse_series_request(body(R"(,"interval_weeks":2,"until":"2026-12-22","on_clash":"reject")"),
                                                school(), amsterdam());
  const auto& f = value_of(parsed);
  BOOST_TEST(domain::iso_date(f.series.until.value()) == "2026-12-22");
  BOOST_TEST((f.on_clash == domain::collision_policy::reject_series));
}

BOOST_AUTO_TEST_CASE(each_invalid_series_gets_a_4xx_with_its_own_code) {
  const auto code = [](const std::string& b) {
    auto p = problem_of(app::parse_series_request(b, school(), amsterdam()));
    return std::to_string(p.status) + " " + p.code;
  };
  BOOST_TEST(code(body(R"(,"interval_weeks":3,"count":4)")) == "422 invalid_interval");
  BOOST_TEST(code(body(R"(,"interval_weeks":0,"count":4)")) == "422 invalid_interval");
  BOOST_TEST(code(body(R"(,"interval_weeks":1,"count":0)")) == "422 invalid_count");
  BOOST_TEST(code(body(R"(,"interval_weeks":1,"count":11)")) == "422 too_long");
  // Eleven Tuesdays from 13 October through 22 December: over the school's ten.
  BOOST_TEST(code(body(R"(,"interval_weeks":1,"until":"2026-12-22")")) == "422 too_long");
  BOOST_TEST(code(body(R"(,"interval_weeks":1,"until":"2026-10-12")")) == "422 invalid_until");
  BOOST_TEST(code(body(R"(,"interval_weeks":1,"count":4,"until":"2026-12-01")")) == "400 bad_request");
  BOOST_TEST(code(body(R"(,"interval_weeks":1)")) == "400 bad_request");
  BOOST_TEST(code(body(R"(,"interval_weeks":1,"count":4,"on_clash":"ignore")")) == "400 bad_request");
  BOOST_TEST(code(body(R"(,"interval_weeks":1,"until":"22-12-2026")")) == "400 bad_date");
  BOOST_TEST(code(R"({"tutor_id":"anouk"})") == "400 bad_request");
  BOOST_TEST(code("[1]") == "400 bad_json");
}

BOOST_AUTO_TEST_CASE(a_cancellation_from_a_date_starts_at_its_local_midnight) {
  const auto parsed = app::parse_series_cancel_from(std::string("2027-03-28"), amsterdam());
  auto from = value_of(parsed);
  BOOST_TEST(domain::rfc3339(from.value()) == "2027-03-27T23:00:00Z");
  BOOST_TEST(!value_of(app::parse_series_cancel_from(std::nullopt, amsterdam())).has_value());
  BOOST_TEST(problem_of(app::parse_series_cancel_from(std::string("28-03-2027"), amsterdam())).code == "bad_date");
}

BOOST_AUTO_TEST_SUITE_END()
