#pragma once
// Executes the outbox: detached workers, each with its own PostgreSQL connection, lease one
// due row at a time (SKIP LOCKED, so instances share the table), run the handler of the
// row's kind and record the outcome — done, retried later with exponential backoff and full
// jitter, or set aside after the last attempt. A lease keeper renews the lease of every row
// in hand while its handler runs, so a slow provider never lets another worker take the row
// meanwhile; the outcome is recorded under the lease's generation. Handlers block (a detached
// worker may), and should be idempotent: a crash between the effect and mark_done runs the
// row again once its lease has run out.
#include <chrono>
#include <functional>
#include <map>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "db/outbox.hpp"
#include "net/retry.hpp"

namespace tutorbot::obs {
class metrics;
}

namespace tutorbot::actors {

struct outbox_outcome {
  enum class verdict { done, retry, give_up };
  verdict what = verdict::done;
  std::string error;  // why, for retry and give_up; stored in outbox.last_error

  static outbox_outcome done() { return {}; }
  static outbox_outcome retry(std::string why) { return {verdict::retry, std::move(why)}; }
  static outbox_outcome give_up(std::string why) { return {verdict::give_up, std::move(why)}; }
};

// Runs on a worker thread with that worker's connection.
using outbox_handler = std::function<outbox_outcome(const db::outbox_item&, db::connection&)>;

struct outbox_settings {
  std::string database_url;
  int workers = 2;
  std::chrono::milliseconds poll_interval{500};
  // How long a lease lasts unrenewed: the work of a crashed or frozen instance is taken
  // again after this. Its holder renews it every renew_every, so a handler may take longer.
  std::chrono::seconds lease{30};
  std::chrono::milliseconds renew_every{5000};
  // Between attempts: 2 s doubling up to 30 min; 16 attempts span about five hours.
  net::backoff_policy backoff{std::chrono::milliseconds{2000}, std::chrono::milliseconds{30 * 60 * 1000}, 16};
  std::map<std::string, outbox_handler> handlers;  // by kind
};

// Spawns the workers behind one dispatcher actor. Send it (nudge_atom) after enqueuing to
// start work at once instead of at the next poll. An exit message stops it once every worker
// has finished the item in hand (wait for it before shutting the provider clients down).
caf::actor spawn_outbox_dispatcher(caf::actor_system& system, outbox_settings settings, obs::metrics& metrics);

}  // namespace tutorbot::actors
