#include "actors/outbox_dispatcher.hpp"

#include <atomic>
#include <memory>
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

struct worker_state {
  std::unique_ptr<db::connection> conn;
  bool tick_scheduled = false;
  static inline const char* name = "outbox_worker";
};

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

void record(const outbox_settings& settings, outbox_metrics& m, db::connection& conn, const db::outbox_item& item,
            const outbox_outcome& outcome) {
  using verdict = outbox_outcome::verdict;
  if (outcome.what == verdict::done) {
    db::mark_done(conn, item.id);
    m.count(item.kind, "done");
    return;
  }
  if (outcome.what == verdict::retry && item.attempts < settings.backoff.max_attempts) {
    auto wait = std::chrono::ceil<std::chrono::seconds>(net::backoff_delay(settings.backoff, item.attempts - 1));
    db::schedule_retry(conn, item.id, outcome.error, now_seconds() + std::max(wait, std::chrono::seconds{1}));
    obs::log_warn("outbox_retry", {{"id", static_cast<std::int64_t>(item.id)}, {"kind", item.kind}, {"attempt", item.attempts},
                                   {"retry_in_s", static_cast<std::int64_t>(wait.count())}, {"error", outcome.error}});
    m.count(item.kind, "retry");
    return;
  }
  db::give_up(conn, item.id, outcome.error);
  obs::log_error("outbox_gave_up", {{"id", static_cast<std::int64_t>(item.id)}, {"kind", item.kind}, {"attempts", item.attempts},
                                    {"error", outcome.error}});
  m.count(item.kind, "gave_up");
}

// Works through everything due, a batch at a time, until told to stop. Rows leased but not
// started when stopping are released by their lease running out.
void drain(const outbox_settings& settings, outbox_metrics& m, db::connection& conn, const std::atomic<bool>& stopping) {
  while (!stopping) {
    auto items = db::lease_due(conn, now_seconds(), settings.batch, settings.lease);
    for (const auto& item : items) {
      if (stopping) return;
      record(settings, m, conn, item, run_handler(settings, item, conn));
    }
    if (static_cast<int>(items.size()) < settings.batch) return;
  }
}

caf::behavior outbox_worker(caf::stateful_actor<worker_state>* self, std::shared_ptr<const outbox_settings> settings,
                            std::shared_ptr<outbox_metrics> m, std::shared_ptr<const std::atomic<bool>> stopping) {
  self->state.conn = std::make_unique<db::connection>(settings->database_url);
  self->send(self, tick_atom::value);
  auto work = [=] {
    try {
      drain(*settings, *m, *self->state.conn, *stopping);
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

struct dispatcher_state {
  worker_group group;
  std::size_t next = 0;
  static inline const char* name = "outbox_dispatcher";
};

caf::behavior outbox_dispatcher(caf::stateful_actor<dispatcher_state>* self, std::shared_ptr<const outbox_settings> settings,
                                std::shared_ptr<outbox_metrics> m) {
  auto& group = self->state.group;
  for (int i = 0; i < settings->workers; ++i)
    group.workers.push_back(self->spawn<caf::detached + caf::monitored>(
        outbox_worker, settings, m, std::shared_ptr<const std::atomic<bool>>(group.stopping)));
  stop_with_workers(self, &dispatcher_state::group);
  return {
      // One worker is enough for what one change enqueues; the others keep polling.
      [=](nudge_atom n) {
        auto& s = self->state;
        self->send(s.group.workers[s.next++ % s.group.workers.size()], n);
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
