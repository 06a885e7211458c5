#pragma once
// /healthz, /readyz and /metrics.
#include <atomic>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "net/router.hpp"

namespace tutorbot::obs {
class metrics;
}

namespace tutorbot::app {

struct ops_context {
  caf::actor_system& system;
  caf::actor db_pool;
  obs::metrics& metrics;
  const std::atomic<bool>& stopping;
};

void add_ops_routes(net::router& routes, const ops_context& context);

}  // namespace tutorbot::app
