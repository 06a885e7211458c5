#include "actors/db_pool.hpp"

#include <chrono>
#include <deque>
#include <vector>

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
  prometheus::Gauge& queued;
  prometheus::Family<prometheus::Counter>& jobs;
  prometheus::Histogram& duration;

  explicit pool_metrics(obs::metrics& m)
      : up(m.gauge("tutorbot_db_pool_connections", "DB worker connections by state").Add({{"state", "up"}})),
        down(m.gauge("tutorbot_db_pool_connections", "DB worker connections by state").Add({{"state", "down"}})),
        busy(m.gauge("tutorbot_db_pool_busy_workers", "DB workers running a job").Add({})),
        queued(m.gauge("tutorbot_db_pool_queued_jobs", "DB jobs waiting for a free worker").Add({})),
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
                        std::shared_ptr<pool_metrics> m, caf::actor dispatcher) {
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
          if (job.start_by && std::chrono::steady_clock::now() >= *job.start_by) {
            outcome = "expired";
            result = caf::make_message(make_error(db_errc::unavailable, "the caller stopped waiting before a worker was free"));
          } else {
            result = job.run(*self->state.conn);
          }
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
        self->send(dispatcher, worker_idle_atom::value, caf::actor_cast<caf::actor>(self));
        return result;
      },
  };
}

struct pending_job {
  db_job job;
  caf::response_promise promise;
};

struct dispatcher_state {
  std::vector<caf::actor> idle;
  std::deque<pending_job> queue;
  static inline const char* name = "db_pool";
};

// Jobs go to whichever worker is free; when none is, they wait here in arrival order. (CAF's
// round-robin pool would queue a job behind a worker stuck on a slow query or a row lock
// while others sit idle, which is what makes tail latencies long.)
caf::behavior db_dispatcher(caf::stateful_actor<dispatcher_state>* self, db_pool_options options,
                            std::shared_ptr<pool_metrics> m) {
  for (std::size_t i = 0; i < options.size; ++i) {
    self->state.idle.push_back(self->spawn<caf::detached + caf::linked>(
        db_worker, options.url, m, caf::actor_cast<caf::actor>(self)));
  }
  return {
      [=](run_atom a, db_job& job) {
        auto rp = self->make_response_promise();
        auto& s = self->state;
        if (s.idle.empty()) {
          if (s.queue.size() >= options.max_queued) {
            m->jobs.Add({{"outcome", "refused"}}).Increment();
            rp.deliver(make_error(db_errc::unavailable, "every database worker is busy and the queue is full"));
            return rp;
          }
          s.queue.push_back({std::move(job), rp});
          m->queued.Increment();
        } else {
          auto worker = std::move(s.idle.back());
          s.idle.pop_back();
          rp.delegate(worker, a, std::move(job));
        }
        return rp;
      },
      [=](worker_idle_atom, caf::actor& worker) {
        auto& s = self->state;
        if (s.queue.empty()) {
          s.idle.push_back(std::move(worker));
          return;
        }
        auto next = std::move(s.queue.front());
        s.queue.pop_front();
        m->queued.Decrement();
        next.promise.delegate(worker, run_atom::value, std::move(next.job));
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
  return system.spawn(db_dispatcher, options, std::make_shared<pool_metrics>(metrics));
}

}  // namespace tutorbot::actors
