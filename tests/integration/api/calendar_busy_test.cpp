#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <date/date.h>

#include "app/service.hpp"
#include "db/migrations.hpp"
#include "db/tutors.hpp"
#include "domain/instant.hpp"
#include "net/http_server.hpp"
#include "obs/metrics.hpp"
#include "sandbox/google_sandbox.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/service_config.hpp"

using namespace tutorbot;
namespace json = boost::json;

namespace {

const std::string auth = "Authorization: Bearer test-api-token\r\n";

// The Google Calendar sandbox on its own loopback port, trusting a fresh service-account key.
struct google_sandbox_server {
  google_sandbox_server() : port(testing::free_port()), work(io.get_executor()) {
    key_path = "/tmp/tutorbot-busy-test-" + std::to_string(port) + ".json";
    auto command = std::string(TUTORBOT_SOURCE_DIR) + "/scripts/make_service_account.sh " + key_path +
                   " http://127.0.0.1:" + std::to_string(port) + "/token";
    BOOST_REQUIRE(std::system(command.c_str()) == 0);
    sandbox = std::make_unique<sandbox::google_calendar_sandbox>(key_path);
    net::router routes;
    sandbox->add_routes(routes);
    net::server_options options;
    options.port = port;
    server = std::make_unique<net::http_server>(io, options, std::move(routes), metrics);
    server->start();
    thread = std::thread([this] { io.run(); });
  }
  ~google_sandbox_server() {
    auto drained = std::make_shared<std::promise<void>>();
    auto done = drained->get_future();
    server->shutdown([drained] { drained->set_value(); });
    done.wait_for(std::chrono::seconds(5));
    work.reset();
    io.stop();
    thread.join();
  }

  unsigned short port;
  std::string key_path;
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  obs::metrics metrics;
  std::unique_ptr<sandbox::google_calendar_sandbox> sandbox;
  std::unique_ptr<net::http_server> server;
  std::thread thread;
};

std::string local_date_in(int days) {
  return date::format("%F", date::floor<date::days>(std::chrono::system_clock::now()) + date::days{days});
}

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
  google_sandbox_server google;
  auto url = testing::fresh_database("busy");
  auto cfg = testing::sample_config(url);
  auto& g = cfg.service.providers.google;
  g.enabled = true;
  g.service_account_json_path = google.key_path;
  g.api_base = "http://127.0.0.1:" + std::to_string(google.port) + "/calendar/v3";
  g.busy_refresh = std::chrono::seconds(1);
  const auto calendar_id = cfg.calendar.find_tutor("anouk")->calendar_id;
  {
    db::connection conn(url);
    db::migrate(conn, db::bundled_migrations());
    db::upsert_tutors(conn, cfg.calendar.tutors);
  }
  app::service svc(std::move(cfg));
  svc.start();

  auto before = slot_starts(svc.port());
  BOOST_REQUIRE(before.size() > 10);
  auto dentist_start = domain::parse_rfc3339(before[5]).value();
  auto dentist_end = dentist_start + std::chrono::minutes(90);
  google.sandbox->add_event(calendar_id, R"({"summary":"Tandarts","start":{"dateTime":")" +
                                             domain::rfc3339(dentist_start) + R"("},"end":{"dateTime":")" +
                                             domain::rfc3339(dentist_end) + R"("}})");

  // The calendar re-reads Google every second here; poll until the dentist is seen.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::vector<std::string> after = before;
  while (contains(after, before[5]) && std::chrono::steady_clock::now() < deadline) after = slot_starts(svc.port());
  BOOST_TEST(!contains(after, before[5]));
  for (const auto& start : after) {
    auto s = domain::parse_rfc3339(start).value();
    BOOST_TEST(!(s < dentist_end && dentist_start < s + std::chrono::minutes(60)), start << " overlaps the event");
  }
  BOOST_TEST(contains(after, before.front()));  // slots away from the event stay
  BOOST_TEST(google.sandbox->token_requests() >= 1);
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

BOOST_AUTO_TEST_CASE(slots_still_answer_when_google_is_unreachable) {
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
  BOOST_TEST(!slot_starts(svc.port()).empty());
}

BOOST_AUTO_TEST_SUITE_END()
