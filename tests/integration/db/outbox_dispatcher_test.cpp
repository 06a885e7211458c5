// Two instances' outbox dispatchers, two workers each, on one PostgreSQL, executing work whose
// handler is slower than the lease (a Chatwoot that takes its time): every row's side effect
// runs exactly once, also when PostgreSQL restarts while the handlers are running.
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <boost/test/unit_test.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <pqxx/pqxx>

#include "actors/outbox_dispatcher.hpp"
#include "db/migrations.hpp"
#include "db/outbox.hpp"
#include "obs/metrics.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/pg.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;

namespace {

// What the handlers did, as the provider would see it: how often each row's effect ran.
class effect_log {
 public:
  void ran(long long id) {
    std::lock_guard lock(mutex_);
    ++runs_[id];
    ++running_;
    changed_.notify_all();
  }
  void finished() {
    std::lock_guard lock(mutex_);
    --running_;
  }
  // Handlers that wait for release() block here, as on a provider that has not answered yet.
  void wait_for_release() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return released_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  int running() const {
    std::lock_guard lock(mutex_);
    return running_;
  }
  std::map<long long, int> runs() const {
    std::lock_guard lock(mutex_);
    return runs_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<long long, int> runs_;
  int running_ = 0;
  bool released_ = false;
};

struct two_instances {
  two_instances() : url(testing::fresh_database("outbox_dispatch")), system(cfg) {
    cfg.set("logger.verbosity", caf::atom("quiet"));
    db::connection conn(url);
    db::migrate(conn, db::bundled_migrations());
  }
  ~two_instances() {
    effects.release();
    for (auto& d : dispatchers) caf::anon_send_exit(d, caf::exit_reason::user_shutdown);
  }

  void start(actors::outbox_handler handler, std::chrono::seconds lease) {
    actors::outbox_settings settings;
    settings.database_url = url;
    settings.workers = 2;
    settings.poll_interval = 50ms;
    settings.lease = lease;
    settings.renew_every = 250ms;
    settings.handlers["test.effect"] = std::move(handler);
    for (int instance = 0; instance < 2; ++instance)
      dispatchers.push_back(actors::spawn_outbox_dispatcher(system, settings, metrics));
  }

  void enqueue(int rows) {
    db::connection conn(url);
    auto due = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - 1s;
    for (int i = 0; i < rows; ++i) db::enqueue(conn, "test.effect", "effect-" + std::to_string(i), "{}", due);
  }

  std::string scalar_now() {
    pqxx::connection c(url);
    return pqxx::nontransaction(c).exec1("SELECT now()::text")[0].as<std::string>();
  }

  // True when the query's one boolean is true; false also while the server is restarting.
  bool database_answers(const std::string& sql) {
    try {
      pqxx::connection c(url);
      return pqxx::nontransaction(c).exec1(sql)[0].as<bool>();
    } catch (const pqxx::broken_connection&) {
      return false;
    }
  }

  db::outbox_counts counts() {
    db::connection conn(url);
    return db::count_outbox(conn);
  }

  void require_each_effect_ran_once(int rows) {
    auto runs = effects.runs();
    BOOST_TEST(runs.size() == static_cast<std::size_t>(rows));
    for (const auto& [id, n] : runs) BOOST_TEST(n == 1, "row " << id << " ran " << n << " times");
    auto c = counts();
    BOOST_TEST(c.done == rows);
    BOOST_TEST(c.pending == 0);
  }

  std::string url;
  effect_log effects;
  obs::metrics metrics;  // before the system: workers count outcomes until it is gone
  caf::actor_system_config cfg;
  caf::actor_system system;
  std::vector<caf::actor> dispatchers;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(outbox_dispatcher, two_instances)

BOOST_AUTO_TEST_CASE(work_slower_than_its_lease_runs_once_with_two_instances_of_two_workers) {
  constexpr int rows = 6;
  enqueue(rows);
  start([this](const db::outbox_item& item, db::connection&) {
    effects.ran(item.id);
    std::this_thread::sleep_for(3s);  // the provider's answer takes longer than the lease
    effects.finished();
    return actors::outbox_outcome::done();
  }, 2s);  // far shorter than a handler takes
  BOOST_REQUIRE(testing::eventually([&] { return counts().pending == 0; }, 120s));
  require_each_effect_ran_once(rows);
}

BOOST_AUTO_TEST_CASE(a_postgresql_restart_under_running_handlers_lets_no_other_worker_run_them_again) {
  constexpr int rows = 2;  // two of the four workers hold a row; the other two keep polling
  // Longer than a restart takes on a loaded machine (its shutdown checkpoint included): the
  // holders renew as soon as the database is back.
  constexpr auto lease = 10s;
  enqueue(rows);
  start([this](const db::outbox_item& item, db::connection&) {
    effects.ran(item.id);
    effects.wait_for_release();
    effects.finished();
    return actors::outbox_outcome::done();
  }, lease);
  BOOST_REQUIRE(testing::eventually([&] { return effects.running() == rows; }, 30s));
  auto leased_by = scalar_now();
  // Every connection the rows were leased with is gone; the handlers are still running.
  testing::run_env_command("TUTORBOT_TEST_PG_RESTART");
  // Wait (on the database's clock) until the leases as first taken would have run out.
  BOOST_REQUIRE(testing::eventually([&] { return database_answers("SELECT now() > '" + leased_by + "'::timestamptz + interval '" +
                                                               std::to_string(lease.count() + 1) + " seconds'"); }, 60s));
  // Still leased under their first generation, renewed by their holders: nobody took them.
  BOOST_TEST(database_answers("SELECT count(*) = " + std::to_string(rows) +
                              " FROM outbox WHERE lease_generation = 1 AND leased_until > now()"));
  effects.release();
  BOOST_REQUIRE(testing::eventually([&] { return counts().pending == 0; }, 60s));
  require_each_effect_ran_once(rows);
}

BOOST_AUTO_TEST_SUITE_END()
