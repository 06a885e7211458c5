#include <boost/test/unit_test.hpp>

#include "app/service.hpp"
#include "db/migrations.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/service_config.hpp"

using namespace tutorbot;
using testing::eventually;

namespace {

config::config service_config(const std::string& database_url) { return testing::sample_config(database_url); }

int readyz(const app::service& svc) { return testing::http_request(svc.port(), "GET", "/readyz").status; }

}  // namespace

BOOST_AUTO_TEST_SUITE(readiness)

BOOST_AUTO_TEST_CASE(healthz_answers_without_a_database) {
  app::service svc(service_config("postgresql://nobody@127.0.0.1:1/none"));
  svc.start();
  auto r = testing::http_request(svc.port(), "GET", "/healthz");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(readyz(svc) == 503);
}

BOOST_AUTO_TEST_CASE(readyz_is_503_until_migrations_are_applied) {
  auto url = testing::fresh_database("ready_pending");
  app::service svc(service_config(url));
  svc.start();
  // Readiness is probed in the background: polled until the first probe has been read.
  testing::raw_response pending;
  BOOST_TEST(eventually(
      [&] {
        pending = testing::http_request(svc.port(), "GET", "/readyz");
        return pending.body.find("migrations_pending") != std::string::npos;
      },
      std::chrono::seconds(5)));
  BOOST_TEST(pending.status == 503);
  db::connection conn(url);
  db::migrate(conn, db::bundled_migrations());
  BOOST_TEST(eventually([&] { return readyz(svc) == 200; }, std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(readyz_follows_the_database_down_and_up_again) {
  auto url = testing::fresh_database("ready_restart");
  db::connection conn(url);
  db::migrate(conn, db::bundled_migrations());
  app::service svc(service_config(url));
  svc.start();
  BOOST_REQUIRE(eventually([&] { return readyz(svc) == 200; }, std::chrono::seconds(10)));
  testing::run_env_command("TUTORBOT_TEST_PG_STOP");
  BOOST_TEST(eventually([&] { return readyz(svc) == 503; }, std::chrono::seconds(5)));
  testing::run_env_command("TUTORBOT_TEST_PG_START");
  BOOST_TEST(eventually([&] { return readyz(svc) == 200; }, std::chrono::seconds(20)));
}

// A flood of /readyz used to queue a database job per request and starve the pool: now it
// answers from the background probe's last reading, and costs the database nothing.
BOOST_AUTO_TEST_CASE(readyz_answers_from_the_probe_and_a_flood_of_it_costs_no_database_work) {
  auto url = testing::fresh_database("ready_flood");
  {
    db::connection conn(url);
    db::migrate(conn, db::bundled_migrations());
  }
  app::service svc(service_config(url));
  svc.start();
  BOOST_REQUIRE(eventually([&] { return readyz(svc) == 200; }, std::chrono::seconds(10)));
  auto jobs = [&] {
    auto text = testing::http_request(svc.port(), "GET", "/metrics").body;
    auto at = text.find(R"(tutorbot_db_jobs_total{outcome="ok"} )");
    return at == std::string::npos ? 0L : std::stol(text.substr(at + std::string(R"(tutorbot_db_jobs_total{outcome="ok"} )").size()));
  };
  const auto before = jobs();
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 300; ++i) BOOST_REQUIRE(readyz(svc) == 200);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // The probe runs twice a second (and the calendars' reloads, once a minute): far fewer
  // jobs than requests.
  BOOST_TEST(jobs() - before <= static_cast<long>(2 * seconds) + 10, jobs() - before << " jobs for 300 requests");
}

BOOST_AUTO_TEST_CASE(metrics_expose_http_and_pool_gauges) {
  auto url = testing::fresh_database("ready_metrics");
  app::service svc(service_config(url));
  svc.start();
  readyz(svc);
  auto r = testing::http_request(svc.port(), "GET", "/metrics");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.header("Content-Type").find("text/plain") == 0u);
  BOOST_TEST(r.body.find("tutorbot_db_pool_connections") != std::string::npos);
  // A request is counted once its answer is written, which the client may read first.
  BOOST_TEST(eventually(
      [&] {
        return testing::http_request(svc.port(), "GET", "/metrics").body.find("tutorbot_http_requests_total") !=
               std::string::npos;
      },
      std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_SUITE_END()
