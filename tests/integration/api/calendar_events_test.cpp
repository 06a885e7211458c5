#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "db/outbox.hpp"
#include "domain/instant.hpp"
#include "net/base32hex.hpp"
#include "tests/integration/api/google_service.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/raw_http.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
using testing::api_auth;
using testing::local_date_in;
namespace json = boost::json;

namespace {

const std::string staff_override = R"({"staff":"Eva","reason":"paid in cash at the desk"})";

std::string first_free_start(unsigned short port, int days_ahead) {
  auto r = testing::http_request(port, "GET",
                                 "/api/v1/tutors/anouk/slots?from=" + local_date_in(days_ahead) + "&to=" +
                                     local_date_in(days_ahead + 7) + "&duration=60",
                                 "", api_auth);
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  auto slots = json::parse(r.body).as_array();
  BOOST_REQUIRE(!slots.empty());
  return std::string(slots.front().as_object().at("start").as_string());
}

// Seconds since anouk's calendar last read Google, as the slot list reports it; -1 before the
// first read.
long busy_age(unsigned short port) {
  auto r = testing::http_request(port, "GET",
                                 "/api/v1/tutors/anouk/slots?from=" + local_date_in(7) + "&to=" + local_date_in(8) +
                                     "&duration=60",
                                 "", api_auth);
  auto age = r.header("X-Calendar-Busy-Age");
  return age.empty() || age == "unknown" ? -1 : std::stol(age);
}

std::string hold(unsigned short port, const std::string& start) {
  auto r = testing::http_request(port, "POST", "/api/v1/holds",
                                 R"({"tutor_id":"anouk","start":")" + start +
                                     R"(","duration_minutes":60,"student_ref":"conversation-42"})",
                                 api_auth);
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
  return std::string(json::parse(r.body).at("booking_id").as_string());
}

// The events of the calendar that carry this booking id in their private properties.
std::vector<json::object> events_of(testing::google_service& s, const std::string& booking_id) {
  std::vector<json::object> out;
  for (const auto& id : s.google.sandbox().event_ids(s.calendar_id)) {
    auto text = s.google.sandbox().event_json(s.calendar_id, id);
    if (!text) continue;
    auto event = json::parse(*text).as_object();
    const auto* props = event.if_contains("extendedProperties");
    if (props && props->as_object().at("private").as_object().at("booking_id").as_string() == booking_id)
      out.push_back(event);
  }
  return out;
}

// Polls until the outbox has no pending work, or fails after the deadline.
void wait_for_outbox(testing::google_service& s, std::chrono::seconds limit = 20s) {
  db::connection conn(s.url);
  BOOST_REQUIRE_MESSAGE(testing::eventually([&] { return db::count_outbox(conn).pending == 0; }, limit),
                        "outbox still has pending work");
}

std::string event_start(const json::object& event) {
  return std::string(event.at("start").as_object().at("dateTime").as_string());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(calendar_events)

BOOST_AUTO_TEST_CASE(a_confirmed_hold_creates_exactly_one_event_even_when_the_first_insert_answer_is_lost) {
  testing::google_service s("events_lost", [](config::config& cfg) {
    cfg.service.providers.google.request_timeout = 1s;  // the delayed answer below comes too late
  });
  // The insert is applied at once but answered after 2.5 s, long after the 1 s request timeout:
  // the first answer is lost for certain, and the event must come from the retry (409, get).
  s.google.sandbox().delay_next_insert_response(2500ms);
  auto booking = hold(s.port(), first_free_start(s.port(), 7));
  auto confirmed = testing::http_request(s.port(), "POST", "/api/v1/bookings/" + booking + "/confirm", staff_override, api_auth);
  BOOST_REQUIRE_MESSAGE(confirmed.status == 200, confirmed.body);

  wait_for_outbox(s);
  auto events = events_of(s, booking);
  BOOST_REQUIRE(events.size() == 1u);
  const auto expected_id = net::event_id_for_booking(booking).value();
  BOOST_TEST(events[0].at("id").as_string() == expected_id);
  BOOST_TEST(s.google.sandbox().event_ids(s.calendar_id).size() == 1u);
  auto listed = testing::http_request(s.port(), "GET",
                                      "/api/v1/bookings?tutor_id=anouk&from=" + local_date_in(0) + "&to=" +
                                          local_date_in(30), "", api_auth);
  auto rows = json::parse(listed.body).as_array();
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].as_object().at("calendar_event_id").as_string() == expected_id);
}

BOOST_AUTO_TEST_CASE(a_reschedule_patches_the_event_and_a_cancellation_deletes_it) {
  testing::google_service s("events_moves");
  auto booking = hold(s.port(), first_free_start(s.port(), 7));
  testing::http_request(s.port(), "POST", "/api/v1/bookings/" + booking + "/confirm", staff_override, api_auth);
  wait_for_outbox(s);
  auto before = events_of(s, booking);
  BOOST_REQUIRE(before.size() == 1u);

  auto new_start = first_free_start(s.port(), 14);
  auto target = hold(s.port(), new_start);
  auto moved = testing::http_request(s.port(), "POST", "/api/v1/bookings/" + booking + "/reschedule",
                                     R"({"hold_id":")" + target + R"("})", api_auth);
  BOOST_REQUIRE_MESSAGE(moved.status == 200, moved.body);
  BOOST_TEST(json::parse(moved.body).at("start").as_string() == new_start);
  wait_for_outbox(s);
  auto after = events_of(s, booking);
  BOOST_REQUIRE(after.size() == 1u);
  BOOST_TEST(after[0].at("id") == before[0].at("id"));
  BOOST_TEST((domain::parse_rfc3339(event_start(after[0])) == domain::parse_rfc3339(new_start)));

  auto cancelled = testing::http_request(s.port(), "DELETE", "/api/v1/bookings/" + booking, "", api_auth);
  BOOST_REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);
  wait_for_outbox(s);
  BOOST_TEST(events_of(s, booking).empty());
  BOOST_TEST(s.google.sandbox().event_ids(s.calendar_id).empty());
}

BOOST_AUTO_TEST_CASE(a_series_has_one_event_per_lesson_and_cancelling_the_rest_deletes_theirs) {
  testing::google_service s("events_series");
  const auto first = first_free_start(s.port(), 7);
  auto booked = testing::http_request(s.port(), "POST", "/api/v1/series",
                                      R"({"tutor_id":"anouk","first_start":")" + first +
                                          R"(","duration_minutes":60,"interval_weeks":1,"count":3,"student_ref":"conversation-42"})",
                                      api_auth);
  BOOST_REQUIRE_MESSAGE(booked.status == 201, booked.body);
  const auto series = json::parse(booked.body).as_object();
  const std::string id(series.at("series_id").as_string());
  const auto& lessons = series.at("lessons").as_array();
  BOOST_REQUIRE_EQUAL(lessons.size(), 3u);

  auto unexplained = testing::http_request(s.port(), "POST", "/api/v1/series/" + id + "/confirm", "", api_auth);
  BOOST_TEST(unexplained.status == 400);
  auto confirmed = testing::http_request(s.port(), "POST", "/api/v1/series/" + id + "/confirm", staff_override, api_auth);
  BOOST_REQUIRE_MESSAGE(confirmed.status == 200, confirmed.body);
  const auto confirmed_series = json::parse(confirmed.body);
  for (const auto& lesson : confirmed_series.at("lessons").as_array())
    BOOST_TEST(lesson.at("status").as_string() == "confirmed");
  wait_for_outbox(s);
  for (const auto& lesson : lessons) {
    auto events = events_of(s, std::string(lesson.at("booking_id").as_string()));
    BOOST_REQUIRE_EQUAL(events.size(), 1u);
    BOOST_TEST((domain::parse_rfc3339(event_start(events[0])) ==
                domain::parse_rfc3339(std::string(lesson.at("start").as_string()))));
  }

  // The rest from the second lesson's local date on: its event and the third's go, the first stays.
  const auto second = domain::parse_rfc3339(std::string(lessons[1].at("start").as_string())).value();
  const auto from = date::format("%F", date::floor<date::days>(date::make_zoned("Europe/Amsterdam", second).get_local_time()));
  auto cancelled = testing::http_request(s.port(), "DELETE", "/api/v1/series/" + id + "?from=" + from, "", api_auth);
  BOOST_REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);
  wait_for_outbox(s);
  BOOST_TEST(events_of(s, std::string(lessons[0].at("booking_id").as_string())).size() == 1u);
  BOOST_TEST(events_of(s, std::string(lessons[1].at("booking_id").as_string())).empty());
  BOOST_TEST(events_of(s, std::string(lessons[2].at("booking_id").as_string())).empty());
  BOOST_TEST(s.google.sandbox().event_ids(s.calendar_id).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_hold_rereads_busy_times_older_than_its_limit_first) {
  testing::google_service s("events_fresh_busy", [](config::config& cfg) {
    cfg.service.providers.google.busy_refresh = std::chrono::hours(1);  // no periodic refresh in this test
    cfg.service.providers.google.busy_max_age_for_hold = 0s;
  });
  auto start = first_free_start(s.port(), 7);
  // The calendar has read Google once, before the event below exists.
  BOOST_REQUIRE(testing::eventually([&] { return busy_age(s.port()) >= 0; }));
  auto begin = domain::parse_rfc3339(start).value();
  s.google.sandbox().add_event(s.calendar_id, R"({"summary":"Tandarts","start":{"dateTime":")" +
                                                  domain::rfc3339(begin) + R"("},"end":{"dateTime":")" +
                                                  domain::rfc3339(begin + 1h) + R"("}})");
  // Older than the hold allows (0 s: a read of this very second would still count as fresh);
  // the hold asks Google first.
  BOOST_REQUIRE(testing::eventually([&] { return busy_age(s.port()) >= 1; }));
  auto r = testing::http_request(s.port(), "POST", "/api/v1/holds",
                                 R"({"tutor_id":"anouk","start":")" + start +
                                     R"(","duration_minutes":60,"student_ref":"x"})",
                                 api_auth);
  BOOST_TEST(r.status == 422, r.body);
}

BOOST_AUTO_TEST_CASE(a_hold_that_finds_a_busy_read_under_way_waits_no_longer_than_one_that_starts_it) {
  testing::google_service s("events_slow_busy", [](config::config& cfg) {
    cfg.service.providers.google.busy_refresh = std::chrono::hours(1);  // no periodic refresh in this test
    cfg.service.providers.google.busy_max_age_for_hold = 0s;            // every hold asks Google first
  });
  auto first = first_free_start(s.port(), 7);
  auto second = first_free_start(s.port(), 14);
  // A second after the first read: the holds below find it too old (0 s counts as fresh).
  BOOST_REQUIRE(testing::eventually([&] { return busy_age(s.port()) >= 1; }));
  // From now on Google answers after the request timeout: the free/busy read the first hold
  // starts is still retrying, for far longer than the client waits, when the second arrives.
  s.google.sandbox().set_latency(20s);
  hold(s.port(), first);
  hold(s.port(), second);
}

BOOST_AUTO_TEST_CASE(calendar_work_that_fails_for_now_is_retried_until_done) {
  testing::google_service s("events_retry");
  s.google.sandbox().fail_next(6, {503, "backendError"});
  auto booking = hold(s.port(), first_free_start(s.port(), 7));
  testing::http_request(s.port(), "POST", "/api/v1/bookings/" + booking + "/confirm", staff_override, api_auth);
  wait_for_outbox(s, 60s);
  BOOST_TEST(events_of(s, booking).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
