#pragma once
// Child processes for end-to-end tests: tutorbot itself (and later the sandbox) started
// as a person would start them, with their own environment.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace tutorbot::testing {

class child_process {
 public:
  // Starts argv[0] with the current environment plus `env`; stdout and stderr go to
  // `log_path` when given.
  child_process(std::vector<std::string> argv, std::map<std::string, std::string> env,
                std::string log_path = {});
  ~child_process();  // kills the child if it is still running
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  void signal(int sig);
  // The exit code once the child has exited within the deadline; nullopt otherwise.
  // A child killed by a signal reports 128 + the signal number, as a shell does.
  std::optional<int> wait_for_exit(std::chrono::milliseconds deadline);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// Runs a command to completion and returns its exit code and everything it printed.
struct command_result {
  int exit_code;
  std::string output;
};
command_result run_command(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env);

// A loopback TCP port that was free a moment ago.
unsigned short free_port();

// The environment tutorbot needs to start with the shipped sample configuration: the
// sandbox's test secrets, as scripts/sandbox_env.sh sets them, and a throwaway key file.
std::map<std::string, std::string> sandbox_environment();

}  // namespace tutorbot::testing
