#include "actors/db_pool.hpp"

#include <chrono>

#include <caf/actor_pool.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "obs/log.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::actors {

namespace {

const caf::atom_value db_category = caf::atom("db");

struct pool_metrics {
  prometheus::Gauge& up;
  prometheus::Gauge& down;
  prometheus::Gauge& busy;
  prometheus::Family<prometheus::Counter>& jobs;
  prometheus::Histogram& duration;

  explicit pool_metrics(obs::metrics& m)
      : up(m.gauge("tutorbot_db_pool_connections", "DB worker connections by state").Add({{"state", "up"}})),
        down(m.gauge("tutorbot_db_pool_connections", "DB worker connections by state").Add({{"state", "down"}})),
        busy(m.gauge("tutorbot_db_pool_busy_workers", "DB workers running a job").Add({})),
        jobs(m.counter("tutorbot_db_jobs_total", "DB jobs by outcome")),
        duration(m.histogram("tutorbot_db_job_duration_seconds", "DB job run time")
                     .Add({}, obs::metrics::latency_buckets())) {}
};

struct worker_state {
  std::unique_ptr<db::connection> conn;
  // Shared with the exit functor, which runs after the state may be gone.
  std::shared_ptr<bool> was_open = std::make_shared<bool>(false);
  static inline const char* name = "db_worker";
};

// Keeps the up/down gauges true to the connection; called after every attempt.
void track(worker_state& state, pool_metrics& m) {
  bool open = state.conn->is_open();
  if (open == *state.was_open) return;
  (open ? m.up : m.down).Increment();
  (open ? m.down : m.up).Decrement();
  *state.was_open = open;
  if (open) {
    obs::log_info("db_connected");
  } else {
    obs::log_warn("db_disconnected");
  }
}

caf::behavior db_worker(caf::stateful_actor<worker_state>* self, std::string url,
                        std::shared_ptr<pool_metrics> m) {
  self->state.conn = std::make_unique<db::connection>(std::move(url));
  m->down.Increment();
  self->attach_functor([m, open = self->state.was_open] { (*open ? m->up : m->down).Decrement(); });
  self->send(self, connect_atom::value);
  return {
      [=](connect_atom) {
        try {
          self->state.conn->ensure_open();
        } catch (const db::unavailable& e) {
          obs::log_warn("db_unavailable", {{"error", e.what()}});
        }
        track(self->state, *m);
      },
      [=](run_atom, db_job& job) -> caf::message {
        m->busy.Increment();
        auto started = std::chrono::steady_clock::now();
        caf::message result;
        std::string outcome = "ok";
        try {
          result = job.run(*self->state.conn);
        } catch (const db::unavailable& e) {
          outcome = "unavailable";
          result = caf::make_message(make_error(db_errc::unavailable, e.what()));
        } catch (const std::exception& e) {
          outcome = "failed";
          obs::log_error("db_job_failed", {{"error", e.what()}});
          result = caf::make_message(make_error(db_errc::failed, e.what()));
        }
        m->duration.Observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        m->jobs.Add({{"outcome", outcome}}).Increment();
        m->busy.Decrement();
        track(self->state, *m);
        return result;
      },
  };
}

}  // namespace

caf::error make_error(db_errc code, std::string message) {
  return caf::error(static_cast<std::uint8_t>(code), db_category,
                    caf::make_message(std::move(message)));
}

bool is_db_error(const caf::error& error, db_errc code) {
  return error.category() == db_category && error.code() == static_cast<std::uint8_t>(code);
}

caf::actor spawn_db_pool(caf::actor_system& system, const db_pool_options& options,
                         obs::metrics& metrics) {
  auto m = std::make_shared<pool_metrics>(metrics);
  auto url = options.url;
  auto factory = [&system, url, m] {
    return caf::actor_cast<caf::actor>(system.spawn<caf::detached>(db_worker, url, m));
  };
  return caf::actor_pool::make(system.dummy_execution_unit(), options.size, factory,
                               caf::actor_pool::round_robin());
}

}  // namespace tutorbot::actors
