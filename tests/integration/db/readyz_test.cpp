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
  auto pending = testing::http_request(svc.port(), "GET", "/readyz");
  BOOST_TEST(pending.status == 503);
  BOOST_TEST(pending.body.find("migrations_pending") != std::string::npos);
  db::connection conn(url);
  db::migrate(conn, db::bundled_migrations());
  BOOST_TEST(readyz(svc) == 200);
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
