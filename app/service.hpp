#pragma once
// The running service: actor system, DB pool, Asio threads and the HTTP server, wired
// together. `serve` runs one; integration and end-to-end tests run it in-process.
#include <memory>

#include "config/config.hpp"

namespace tutorbot::obs {
class metrics;
}

namespace tutorbot::app {

class service {
 public:
  explicit service(config::config cfg);
  ~service();
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  // Spawns the actors and starts listening; throws std::runtime_error when it cannot bind.
  void start();
  unsigned short port() const;

  // Graceful: stop accepting, let in-flight requests finish (bounded by the configured
  // grace), stop the actors. Blocks until done; safe to call twice.
  void stop();

  obs::metrics& metrics();

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace tutorbot::app
