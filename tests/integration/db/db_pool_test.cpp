#include <future>

#include <boost/test/unit_test.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include "actors/ask.hpp"
#include "actors/db_pool.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "obs/metrics.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/tcp_proxy.hpp"

using namespace tutorbot;

namespace {

// The same database reached through another port on 127.0.0.1.
std::string through_port(const std::string& url, unsigned short port) {
  auto port_start = url.find("@127.0.0.1:") + std::string("@127.0.0.1:").size();
  return url.substr(0, port_start) + std::to_string(port) + url.substr(url.find('/', port_start));
}

unsigned short port_of(const std::string& url) {
  auto port_start = url.find("@127.0.0.1:") + std::string("@127.0.0.1:").size();
  return static_cast<unsigned short>(std::stoi(url.substr(port_start, url.find('/', port_start) - port_start)));
}

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

  caf::expected<int> ask_select_1(const caf::actor& target, std::chrono::seconds limit) {
    auto job = actors::make_db_job([](db::connection& conn) {
      db::check_schema(conn, db::bundled_migrations());
      return 1;
    });
    std::promise<caf::expected<int>> answer;
    actors::ask<int>(system, target, caf::duration{limit},
                     [&answer](caf::expected<int> r) { answer.set_value(std::move(r)); }, actors::run_atom::value, job);
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

// Whatever libpq says about a URL it cannot read, the password is not in it (issue 13).
BOOST_AUTO_TEST_CASE(a_connection_error_never_quotes_the_password) {
  for (const std::string url : {"postgresql://bot:pw%zzSECRET@127.0.0.1:1/x", "host=127.0.0.1 port=1 password=pwSECRET"}) {
    db::connection conn(url);
    try {
      conn.ensure_open();
      BOOST_FAIL("connected to " << url.substr(0, 10));
    } catch (const db::unavailable& e) {
      BOOST_TEST(std::string(e.what()).find("SECRET") == std::string::npos, e.what());
    }
  }
}

// Requests can fill the queue in front of the workers: beyond its bound a job is answered
// unavailable at once, so a stalled database costs a 503, not the process's memory.
BOOST_AUTO_TEST_CASE(a_full_queue_refuses_at_once) {
  testing::tcp_proxy proxy(port_of(testing::admin_database_url()));
  actors::db_pool_options options;
  // A short statement timeout: the worker stuck on the black hole gives up within 6 s.
  options.url = db::url_with_limits(through_port(testing::fresh_database("pool_bound"), proxy.port()),
                                    {std::chrono::seconds(2), std::chrono::seconds(1), std::chrono::seconds(1)});
  options.size = 1;
  options.max_queued = 2;
  auto bounded = actors::spawn_db_pool(system, options, metrics);
  BOOST_REQUIRE(ask_select_1(bounded, std::chrono::seconds(10)));
  proxy.black_hole();  // the one worker's next job waits (for its answer deadline)
  std::vector<std::future<caf::expected<int>>> waiting;
  for (int i = 0; i < 3; ++i)
    waiting.push_back(std::async(std::launch::async, [&] { return ask_select_1(bounded, std::chrono::seconds(30)); }));
  BOOST_REQUIRE(testing::eventually([&] { return metrics.render().find("tutorbot_db_pool_queued_jobs 2") != std::string::npos; }));
  const auto asked = std::chrono::steady_clock::now();
  auto refused = ask_select_1(bounded, std::chrono::seconds(10));
  BOOST_REQUIRE(!refused);
  BOOST_TEST(actors::is_db_error(refused.error(), actors::db_errc::unavailable));
  BOOST_TEST((std::chrono::steady_clock::now() - asked < std::chrono::seconds(1)));
  proxy.heal();
  for (auto& w : waiting) w.wait();
  caf::anon_send_exit(bounded, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
