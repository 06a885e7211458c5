#pragma once
// /healthz, /readyz (from the readiness prober's last reading) and /metrics.
#include <atomic>
#include <memory>

#include "app/readiness.hpp"
#include "net/router.hpp"

namespace tutorbot::obs {
class metrics;
}

namespace tutorbot::app {

struct ops_context {
  std::shared_ptr<const app::readiness> readiness;  // kept current by the prober (readiness.hpp)
  obs::metrics& metrics;
  const std::atomic<bool>& stopping;
};

void add_ops_routes(net::router& routes, const ops_context& context);

}  // namespace tutorbot::app
