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
  // `log_path` when given. With `pipe_stdin` the child reads its stdin from a pipe that
  // write_stdin() feeds and close_stdin() ends (the child sees end of input); without, it
  // inherits this process's stdin.
  child_process(std::vector<std::string> argv, std::map<std::string, std::string> env,
                std::string log_path = {}, bool pipe_stdin = false);
  ~child_process();  // kills the child if it is still running
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // All of `bytes` to the child's stdin; false when there is no pipe or the child closed
  // it (SIGPIPE is ignored in this process once a stdin pipe was made).
  bool write_stdin(const std::string& bytes);
  void close_stdin();

  void signal(int sig);
  // The exit code once the child has exited within the deadline; nullopt otherwise.
  // A child killed by a signal reports 128 + the signal number, as a shell does.
  std::optional<int> wait_for_exit(std::chrono::milliseconds deadline);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int stdin_fd_ = -1;  // the pipe's writing end, when there is one
};

// Runs a command to completion and returns its exit code and everything it printed.
struct command_result {
  int exit_code;
  std::string output;
};
command_result run_command(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env);

// A loopback TCP port that stays this test process's own until it exits: no other test
// process and no outgoing connection takes it, so a server may bind it later, or again.
unsigned short free_port();

// The environment tutorbot needs to start with the shipped sample configuration: the
// sandbox's test secrets, as scripts/sandbox_env.sh sets them, and a throwaway key file.
std::map<std::string, std::string> sandbox_environment();

}  // namespace tutorbot::testing
