#pragma once
// Readiness as /readyz reports it, found out in the background: a prober asks the database
// twice a second whether it answers and its migrations are current, and /readyz answers from
// the last result. A flood of /readyz then costs no database work at all (it queued a job per
// request before, and starved the pool).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace tutorbot::app {

enum class readiness_status : std::uint8_t { ready, database_unavailable, migrations_pending, migrations_diverged, unknown };

class readiness {
 public:
  // What the prober last found, and when (steady clock).
  struct reading {
    readiness_status status = readiness_status::unknown;
    std::chrono::steady_clock::time_point at{};
  };
  reading last() const;
  void record(readiness_status status);

 private:
  std::atomic<std::uint8_t> status_{static_cast<std::uint8_t>(readiness_status::unknown)};
  std::atomic<std::int64_t> at_{0};  // steady clock, nanoseconds
};

// Probes every `every`, each probe waiting at most `timeout` for the database; stops with an
// exit message.
caf::actor spawn_readiness_prober(caf::actor_system& system, caf::actor db_pool, std::shared_ptr<readiness> into,
                                  std::chrono::milliseconds every, std::chrono::milliseconds timeout);

}  // namespace tutorbot::app
