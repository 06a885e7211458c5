
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <date/date.h>

#include "domain/instant.hpp"
#include "tests/integration/api/google_service.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/raw_http.hpp"

using namespace tutorbot;
using testing::local_date_in;
namespace json = boost::json;

namespace {

const std::string& auth = testing::api_auth;

std::vector<std::string> slot_starts(unsigned short port) {
  auto r = testing::http_request(port, "GET",
                                 "/api/v1/tutors/anouk/slots?from=" + local_date_in(7) + "&to=" + local_date_in(20) +
                                     "&duration=60",
                                 "", auth);
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  std::vector<std::string> starts;
  auto slots = json::parse(r.body);
  for (const auto& s : slots.as_array()) starts.emplace_back(s.as_object().at("start").as_string());
  return starts;
}

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(calendar_busy)

BOOST_AUTO_TEST_CASE(an_event_added_by_hand_in_google_removes_those_slots) {
  testing::google_service service("busy", [](config::config& cfg) {
    cfg.service.providers.google.busy_refresh = std::chrono::seconds(1);
  });
  auto& google = service.google;
  auto& svc = *service.svc;
  const auto calendar_id = service.calendar_id;

  auto before = slot_starts(svc.port());
  BOOST_REQUIRE(before.size() > 10);
  auto dentist_start = domain::parse_rfc3339(before[5]).value();
  auto dentist_end = dentist_start + std::chrono::minutes(90);
  google.sandbox().add_event(calendar_id, R"({"summary":"Tandarts","start":{"dateTime":")" +
                                             domain::rfc3339(dentist_start) + R"("},"end":{"dateTime":")" +
                                             domain::rfc3339(dentist_end) + R"("}})");

  // The calendar re-reads Google every second here; poll until the dentist is seen.
  std::vector<std::string> after;
  BOOST_TEST(testing::eventually(
      [&] {
        after = slot_starts(svc.port());
        return !contains(after, before[5]);
      },
      std::chrono::seconds(20)));
  for (const auto& start : after) {
    auto s = domain::parse_rfc3339(start).value();
    BOOST_TEST(!(s < dentist_end && dentist_start < s + std::chrono::minutes(60)), start << " overlaps the event");
  }
  BOOST_TEST(contains(after, before.front()));  // slots away from the event stay
  BOOST_TEST(google.sandbox().token_requests() >= 1);
  auto answer = testing::http_request(svc.port(), "GET",
                                      "/api/v1/tutors/anouk/slots?from=" + local_date_in(7) + "&to=" + local_date_in(8) +
                                          "&duration=60", "", auth);
  BOOST_TEST(answer.header("X-Calendar-Busy-Age") != "unknown");
  BOOST_TEST(std::stoi(answer.header("X-Calendar-Busy-Age")) <= 5);

  // A hold on the covered start is refused: the tutor is not available then.
  auto hold = testing::http_request(svc.port(), "POST", "/api/v1/holds",
                                    R"({"tutor_id":"anouk","start":")" + before[5] +
                                        R"(","duration_minutes":60,"student_ref":"x"})",
                                    auth);
  BOOST_TEST(hold.status == 422);
}

BOOST_AUTO_TEST_CASE(slots_and_holds_still_answer_when_google_is_unreachable) {
  auto url = testing::fresh_database("busy_down");
  auto cfg = testing::sample_config(url);  // its key's token_uri is a closed port
  cfg.service.providers.google.enabled = true;
  cfg.service.providers.google.api_base = "http://127.0.0.1:9/calendar/v3";
  {
    db::connection conn(url);
    db::migrate(conn, db::bundled_migrations());
    db::upsert_tutors(conn, cfg.calendar.tutors);
  }
  app::service svc(std::move(cfg));
  svc.start();
  auto starts = slot_starts(svc.port());
  BOOST_REQUIRE(!starts.empty());
  // Every busy read fails (and keeps retrying); the hold goes ahead on what is known.
  auto hold = testing::http_request(svc.port(), "POST", "/api/v1/holds",
                                    R"({"tutor_id":"anouk","start":")" + starts.front() +
                                        R"(","duration_minutes":60,"student_ref":"x"})",
                                    auth);
  BOOST_TEST(hold.status == 201, hold.body);
}

BOOST_AUTO_TEST_SUITE_END()
