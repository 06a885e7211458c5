#include <future>

#include <boost/test/unit_test.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include "actors/ask.hpp"
#include "actors/db_pool.hpp"
#include "db/migrations.hpp"
#include "obs/metrics.hpp"
#include "tests/support/pg.hpp"

using namespace tutorbot;

namespace {

struct pool_fixture {
  pool_fixture() : system(cfg) {
    cfg.set("logger.verbosity", caf::atom("quiet"));
    actors::db_pool_options options;
    options.url = testing::fresh_database("pool");
    options.size = 2;
    pool = actors::spawn_db_pool(system, options, metrics);
  }
  ~pool_fixture() { caf::anon_send_exit(pool, caf::exit_reason::user_shutdown); }

  // The number of migrations recorded, or the error the pool answered with.
  caf::expected<int> migrations_recorded() {
    auto job = actors::make_db_job([](db::connection& conn) {
      db::migrate(conn, db::bundled_migrations());
      return static_cast<int>(db::bundled_migrations().size());
    });
    std::promise<caf::expected<int>> answer;
    actors::ask<int>(system, pool, caf::duration{std::chrono::seconds(10)},
                     [&answer](caf::expected<int> r) { answer.set_value(std::move(r)); },
                     actors::run_atom::value, job);
    return answer.get_future().get();
  }

  // Declared before the actor system: workers update these gauges until the system is gone.
  obs::metrics metrics;
  caf::actor_system_config cfg;
  caf::actor_system system;
  caf::actor pool;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(db_pool, pool_fixture)

BOOST_AUTO_TEST_CASE(a_job_runs_on_a_worker_and_returns_its_value) {
  auto r = migrations_recorded();
  BOOST_REQUIRE(r);
  BOOST_TEST(*r == static_cast<int>(db::bundled_migrations().size()));
  BOOST_TEST(metrics.render().find(R"(tutorbot_db_jobs_total{outcome="ok"})") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_throwing_job_becomes_a_failed_error) {
  auto job = actors::make_db_job([](db::connection&) -> int { throw std::runtime_error("boom"); });
  std::promise<caf::expected<int>> answer;
  actors::ask<int>(system, pool, caf::duration{std::chrono::seconds(10)},
                   [&answer](caf::expected<int> r) { answer.set_value(std::move(r)); },
                   actors::run_atom::value, job);
  auto r = answer.get_future().get();
  BOOST_REQUIRE(!r);
  BOOST_TEST(actors::is_db_error(r.error(), actors::db_errc::failed));
}

BOOST_AUTO_TEST_CASE(workers_reconnect_after_postgresql_restarts) {
  BOOST_REQUIRE(migrations_recorded());
  testing::run_env_command("TUTORBOT_TEST_PG_STOP");
  // While the server is down, jobs fail fast as unavailable instead of hanging.
  auto during = migrations_recorded();
  BOOST_REQUIRE(!during);
  BOOST_TEST(actors::is_db_error(during.error(), actors::db_errc::unavailable));
  testing::run_env_command("TUTORBOT_TEST_PG_START");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  caf::expected<int> after = during;
  while (!after && std::chrono::steady_clock::now() < deadline) after = migrations_recorded();
  BOOST_TEST(static_cast<bool>(after));
}

BOOST_AUTO_TEST_SUITE_END()
