// A database that stops answering without closing anything — a frozen server, a firewall that
// drops instead of resetting — must not pin the service's workers: it says so within
// seconds, and comes back by itself once the database answers again.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "app/service.hpp"
#include "db/migrations.hpp"
#include "db/tutors.hpp"
#include "tests/support/dates.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/service_config.hpp"
#include "tests/support/tcp_proxy.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;

namespace {

const std::string api_auth = "Authorization: Bearer test-api-token\r\n";

// The same database reached through another port on 127.0.0.1.
std::string through_port(const std::string& url, unsigned short port) {
  auto host = url.find("@127.0.0.1:");
  BOOST_REQUIRE_MESSAGE(host != std::string::npos, "a test database URL on 127.0.0.1: " << url);
  auto port_start = host + std::string("@127.0.0.1:").size();
  return url.substr(0, port_start) + std::to_string(port) + url.substr(url.find('/', port_start));
}

unsigned short port_of(const std::string& url) {
  auto port_start = url.find("@127.0.0.1:") + std::string("@127.0.0.1:").size();
  return static_cast<unsigned short>(std::stoi(url.substr(port_start, url.find('/', port_start) - port_start)));
}

int readyz(const app::service& svc) { return testing::http_request(svc.port(), "GET", "/readyz").status; }

testing::raw_response hold(const app::service& svc, const std::string& start, const std::string& key = "") {
  return testing::http_request(svc.port(), "POST", "/api/v1/holds",
                               R"({"tutor_id":"anouk","start":")" + start +
                                   R"(","duration_minutes":60,"student_ref":"stall"})",
                               api_auth + (key.empty() ? "" : "Idempotency-Key: " + key + "\r\n"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(database_stall)

BOOST_AUTO_TEST_CASE(a_black_holed_database_gets_503_within_seconds_and_the_service_recovers_by_itself) {
  const auto url = testing::fresh_database("stall");
  {
    db::connection conn(url);
    db::migrate(conn, db::bundled_migrations());
    db::upsert_tutors(conn, testing::sample_config(url).calendar.tutors);
  }
  testing::tcp_proxy proxy(port_of(url));
  auto cfg = testing::sample_config(through_port(url, proxy.port()));
  cfg.service.database.statement_timeout = 2s;  // a worker waits 2 + 5 s for any answer
  app::service svc(cfg);
  svc.start();
  BOOST_REQUIRE(testing::eventually([&] { return readyz(svc) == 200; }, 20s));
  auto slots = testing::http_request(svc.port(), "GET",
                                     "/api/v1/tutors/anouk/slots?from=" + testing::local_date_in(7) + "&to=" +
                                         testing::local_date_in(14) + "&duration=60",
                                     "", api_auth);
  BOOST_REQUIRE_MESSAGE(slots.status == 200, slots.body);
  auto starts = boost::json::parse(slots.body).as_array();
  BOOST_REQUIRE(starts.size() >= 10u);

  proxy.black_hole();
  BOOST_TEST(testing::eventually([&] { return readyz(svc) == 503; }, 5s));
  const auto asked = std::chrono::steady_clock::now();
  const std::string first_start(starts[0].as_object().at("start").as_string());
  auto refused = hold(svc, first_start, "stalled-hold");
  BOOST_TEST(refused.status == 503, refused.body);
  BOOST_TEST((std::chrono::steady_clock::now() - asked < 15s));

  // The connections caught in the hole stay there for good: only workers that give up on
  // them and connect anew can bring the service back.
  proxy.heal();
  BOOST_TEST(testing::eventually([&] { return readyz(svc) == 200; }, 60s));
  // Far from the first start: the hold refused with 503 may well have been placed meanwhile
  // (a timeout is not a no).
  BOOST_TEST(testing::eventually(
      [&] { return hold(svc, std::string(starts.back().as_object().at("start").as_string())).status == 201; }, 30s));

  // The client retries the hold that got 503 with its Idempotency-Key: one booking, whether
  // the first attempt was placed late or not at all.
  testing::raw_response retried;
  BOOST_TEST(testing::eventually([&] { return (retried = hold(svc, first_start, "stalled-hold")).status == 201; }, 30s));
  pqxx::connection c(url);
  auto rows = pqxx::nontransaction(c).exec_params(
      "SELECT id::text FROM bookings WHERE student_ref = 'stall' AND lower(lesson) = $1::timestamptz", first_start);
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(boost::json::parse(retried.body).at("booking_id").as_string() == rows[0][0].as<std::string>());
}

BOOST_AUTO_TEST_SUITE_END()
