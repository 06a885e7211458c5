#pragma once
// A fixed pool of detached DB workers, each owning one PostgreSQL connection, so blocking
// libpqxx calls never run on CAF's scheduler threads; a dispatcher hands each job to a free
// worker. Other actors `request` the pool with
// (run_atom, db_job) and get the job's values back, or an error of category "db".
#include <chrono>
#include <cstdint>
#include <optional>
#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>

#include "actors/atoms.hpp"
#include "db/connection.hpp"

namespace tutorbot::obs {
class metrics;
}

namespace tutorbot::actors {

struct db_job {
  std::function<caf::message(db::connection&)> run;
  // A job still waiting for a worker at this moment is answered unavailable instead of run:
  // its caller gave up by then, and a late effect nobody hears of is worse than none.
  std::optional<std::chrono::steady_clock::time_point> start_by;
};

// A job from a function of the connection; its return value becomes the response.
template <class F>
db_job make_db_job(F work, std::optional<std::chrono::steady_clock::time_point> start_by = std::nullopt) {
  return db_job{[work = std::move(work)](db::connection& conn) { return caf::make_message(work(conn)); }, start_by};
}

enum class db_errc : std::uint8_t {
  unavailable = 1,  // no connection now: the caller may answer 503 or try later
  failed = 2,       // the job threw: a bug or a constraint nobody mapped
};
caf::error make_error(db_errc code, std::string message);
bool is_db_error(const caf::error& error, db_errc code);

struct db_pool_options {
  std::string url;
  std::size_t size = 4;
  // Jobs waiting for a free worker beyond this are answered unavailable at once: requests can
  // fill this queue, and a slow database must cost them a 503, not the process its memory.
  std::size_t max_queued = 512;
};

caf::actor spawn_db_pool(caf::actor_system& system, const db_pool_options& options,
                         obs::metrics& metrics);

}  // namespace tutorbot::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::db_job)
