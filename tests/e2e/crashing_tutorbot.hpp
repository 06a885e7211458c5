#pragma once
// tutorbot as a process that a test kills with SIGKILL and starts again, on one port.
#include <chrono>
#include <csignal>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/eventually.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_http.hpp"

namespace tutorbot::testing {

// One tutorbot process at a time on a fixed port, restarted after every kill.
class crashing_tutorbot {
 public:
  crashing_tutorbot(std::map<std::string, std::string> env, unsigned short port,
                    std::string config_dir = TUTORBOT_SOURCE_DIR "/tests/config")
      : env_(std::move(env)), port_(port), config_dir_(std::move(config_dir)) {
    start();
  }

  void start() {
    ++starts_;
    process_ = std::make_unique<child_process>(
        std::vector<std::string>{TUTORBOT_BINARY_DIR "/tutorbot", "serve", "--config", config_dir_}, env_,
        "/tmp/tutorbot-e2e-crash-" + std::to_string(port_) + "-" + std::to_string(starts_) + ".log");
  }

  void kill_and_restart() {
    process_->signal(SIGKILL);
    process_->wait_for_exit(std::chrono::seconds(5));
    start();
  }

  // Polls /readyz; false when the process died or the deadline passed.
  bool ready(std::chrono::seconds deadline) const {
    return eventually(
        [&] {
          try {
            return http_request(port_, "GET", "/readyz").status == 200;
          } catch (const std::exception&) {
            return false;  // not listening yet
          }
        },
        deadline);
  }

  int starts() const { return starts_; }

 private:
  std::map<std::string, std::string> env_;
  unsigned short port_;
  std::string config_dir_;
  int starts_ = 0;
  std::unique_ptr<child_process> process_;
};

}  // namespace tutorbot::testing
