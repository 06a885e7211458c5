#include "actors/outbox_dispatcher.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/clock.hpp"
#include "actors/worker_group.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::actors {

namespace {

using std::chrono::sys_seconds;

struct outbox_metrics {
  prometheus::Family<prometheus::Counter>& outcomes;
  explicit outbox_metrics(obs::metrics& m)
      : outcomes(m.counter("tutorbot_outbox_outcomes_total", "Outbox attempts by kind and outcome")) {}
  void count(const std::string& kind, const char* outcome) { outcomes.Add({{"kind", kind}, {"outcome", outcome}}).Increment(); }
};

// The rows this instance's workers are executing, for the lease keeper to renew.
class leases_in_hand {
 public:
  void add(const db::outbox_item& item) {
    std::lock_guard lock(mutex_);
    items_[item.id] = item;
  }
  void remove(long long id) {
    std::lock_guard lock(mutex_);
    items_.erase(id);
  }
  std::vector<db::outbox_item> list() const {
    std::lock_guard lock(mutex_);
    std::vector<db::outbox_item> out;
    for (const auto& [id, item] : items_) out.push_back(item);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::map<long long, db::outbox_item> items_;
};

struct worker_state {
  std::unique_ptr<db::connection> conn;
  static inline const char* name = "outbox_worker";
};

struct keeper_state {
  std::unique_ptr<db::connection> conn;
  static inline const char* name = "outbox_lease_keeper";
};

void log_lease_lost(const db::outbox_item& item, const char* when) {
  obs::log_error("outbox_lease_lost", {{"id", static_cast<std::int64_t>(item.id)}, {"kind", item.kind},
                                       {"generation", static_cast<std::int64_t>(item.generation)}, {"when", when}});
}

outbox_outcome run_handler(const outbox_settings& settings, const db::outbox_item& item, db::connection& conn) {
  auto handler = settings.handlers.find(item.kind);
  if (handler == settings.handlers.end()) return outbox_outcome::give_up("no handler for kind " + item.kind);
  try {
    return handler->second(item, conn);
  } catch (const db::unavailable& e) {
    return outbox_outcome::retry(std::string("database unavailable: ") + e.what());
  } catch (const std::exception& e) {
    return outbox_outcome::retry(e.what());
  }
}

// Writes the outcome under the item's lease; false when the lease was lost.
bool write_outcome(const outbox_settings& settings, outbox_metrics& m, db::connection& conn, const db::outbox_item& item,
                   const outbox_outcome& outcome) {
  using verdict = outbox_outcome::verdict;
  if (outcome.what == verdict::done) {
    m.count(item.kind, "done");
    return db::mark_done(conn, item);
  }
  if (outcome.what == verdict::retry && item.attempts < settings.backoff.max_attempts) {
    auto wait = std::chrono::ceil<std::chrono::seconds>(net::backoff_delay(settings.backoff, item.attempts - 1));
    obs::log_warn("outbox_retry", {{"id", static_cast<std::int64_t>(item.id)}, {"kind", item.kind}, {"attempt", item.attempts},
                                   {"retry_in_s", static_cast<std::int64_t>(wait.count())}, {"error", outcome.error}});
    m.count(item.kind, "retry");
    return db::schedule_retry(conn, item, outcome.error, std::max(wait, std::chrono::seconds{1}));
  }
  obs::log_error("outbox_gave_up", {{"id", static_cast<std::int64_t>(item.id)}, {"kind", item.kind}, {"attempts", item.attempts},
                                    {"error", outcome.error}});
  m.count(item.kind, "gave_up");
  return db::give_up(conn, item, outcome.error);
}

// The effect has happened (or not); recording it must not be lost to a database that is
// briefly away (or a commit whose outcome is unknown: each write is fenced, so repeating it
// is safe), or the row runs again after its lease. The keeper goes on renewing the
// lease meanwhile, so keep trying while the lease could still be ours.
void record(const outbox_settings& settings, outbox_metrics& m, db::connection& conn, const db::outbox_item& item,
            const outbox_outcome& outcome, const std::atomic<bool>& stopping) {
  auto give_up_at = std::chrono::steady_clock::now() + settings.lease;
  for (;;) {
    try {
      if (!write_outcome(settings, m, conn, item, outcome)) log_lease_lost(item, "recording its outcome");
      return;
    } catch (const std::exception& e) {
      if (stopping || std::chrono::steady_clock::now() >= give_up_at) throw;
      obs::log_warn("outbox_record_retry", {{"id", static_cast<std::int64_t>(item.id)}, {"error", e.what()}});
      std::this_thread::sleep_for(std::chrono::milliseconds{500});  // a detached worker; the database is away
    }
  }
}

// Works through everything due, a row at a time, until told to stop or nothing is due.
void drain(const outbox_settings& settings, outbox_metrics& m, db::connection& conn, leases_in_hand& in_hand,
           const std::atomic<bool>& stopping) {
  while (!stopping) {
    auto item = db::lease_next(conn, settings.lease);
    if (!item) return;
    in_hand.add(*item);
    auto outcome = run_handler(settings, *item, conn);
    try {
      record(settings, m, conn, *item, outcome, stopping);
    } catch (...) {
      in_hand.remove(item->id);
      throw;
    }
    in_hand.remove(item->id);
  }
}

caf::behavior outbox_worker(caf::stateful_actor<worker_state>* self, std::shared_ptr<const outbox_settings> settings,
                            std::shared_ptr<outbox_metrics> m, std::shared_ptr<leases_in_hand> in_hand,
                            std::shared_ptr<const std::atomic<bool>> stopping) {
  self->state.conn = std::make_unique<db::connection>(settings->database_url);
  self->send(self, tick_atom::value);
  auto work = [=] {
    try {
      drain(*settings, *m, *self->state.conn, *in_hand, *stopping);
    } catch (const db::unavailable& e) {
      obs::log_warn("outbox_db_unavailable", {{"error", e.what()}});
    } catch (const std::exception& e) {
      obs::log_error("outbox_drain_failed", {{"error", e.what()}});
    }
  };
  return {
      [=](tick_atom) {
        work();
        self->delayed_send(self, settings->poll_interval, tick_atom::value);
      },
      [=](nudge_atom) { work(); },
  };
}

// Renews the lease of every row in hand, on a connection of its own (a worker's is busy in
// its handler). A lease found lost means another worker took the row while this one still
// works on it: logged, never silent.
caf::behavior outbox_lease_keeper(caf::stateful_actor<keeper_state>* self, std::shared_ptr<const outbox_settings> settings,
                                  std::shared_ptr<leases_in_hand> in_hand) {
  self->state.conn = std::make_unique<db::connection>(settings->database_url);
  self->delayed_send(self, settings->renew_every, tick_atom::value);
  return {
      [=](tick_atom) {
        for (const auto& item : in_hand->list()) {
          try {
            if (!db::renew_lease(*self->state.conn, item, settings->lease)) log_lease_lost(item, "renewing its lease");
          } catch (const std::exception& e) {
            obs::log_warn("outbox_lease_renewal_failed", {{"id", static_cast<std::int64_t>(item.id)}, {"error", e.what()}});
          }
        }
        self->delayed_send(self, settings->renew_every, tick_atom::value);
      },
  };
}

struct dispatcher_state {
  worker_group group;  // the workers and the lease keeper
  std::vector<caf::actor> workers;
  std::size_t next = 0;
  static inline const char* name = "outbox_dispatcher";
};

caf::behavior outbox_dispatcher(caf::stateful_actor<dispatcher_state>* self, std::shared_ptr<const outbox_settings> settings,
                                std::shared_ptr<outbox_metrics> m) {
  auto& st = self->state;
  auto in_hand = std::make_shared<leases_in_hand>();
  std::shared_ptr<const std::atomic<bool>> stopping(st.group.stopping);
  for (int i = 0; i < settings->workers; ++i)
    st.workers.push_back(self->spawn<caf::detached + caf::monitored>(outbox_worker, settings, m, in_hand, stopping));
  st.group.workers = st.workers;
  st.group.workers.push_back(self->spawn<caf::detached + caf::monitored>(outbox_lease_keeper, settings, in_hand));
  stop_with_workers(self, &dispatcher_state::group);
  return {
      // One worker is enough for what one change enqueues; the others keep polling.
      [=](nudge_atom n) {
        auto& s = self->state;
        self->send(s.workers[s.next++ % s.workers.size()], n);
      },
  };
}

}  // namespace

caf::actor spawn_outbox_dispatcher(caf::actor_system& system, outbox_settings settings, obs::metrics& metrics) {
  if (settings.workers < 1) settings.workers = 1;
  return system.spawn(outbox_dispatcher, std::make_shared<const outbox_settings>(std::move(settings)),
                      std::make_shared<outbox_metrics>(metrics));
}

}  // namespace tutorbot::actors
