#include "tests/support/process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace tutorbot::testing {

namespace {

[[noreturn]] void exec_child(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env) {
  for (const auto& [key, value] : env) setenv(key.c_str(), value.c_str(), 1);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  std::perror("execv");
  _exit(127);
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

child_process::child_process(std::vector<std::string> argv, std::map<std::string, std::string> env,
                             std::string log_path, bool pipe_stdin) {
  int in[2] = {-1, -1};
  if (pipe_stdin) {
    // Close-on-exec, so that no other child inherits the writing end and keeps the pipe open.
    if (pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::signal(SIGPIPE, SIG_IGN);
  }
  pid_ = fork();
  if (pid_ < 0) {
    if (pipe_stdin) {
      close(in[0]);
      close(in[1]);
    }
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    if (pipe_stdin) dup2(in[0], STDIN_FILENO);  // dup2 clears close-on-exec on the copy
    if (!log_path.empty()) {
      int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
      }
    }
    exec_child(argv, env);
  }
  if (pipe_stdin) {
    close(in[0]);
    stdin_fd_ = in[1];
  }
}

child_process::~child_process() {
  close_stdin();
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

bool child_process::write_stdin(const std::string& bytes) {
  std::size_t done = 0;
  while (stdin_fd_ >= 0 && done < bytes.size()) {
    const auto n = write(stdin_fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return stdin_fd_ >= 0;
}

void child_process::close_stdin() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
}

void child_process::signal(int sig) {
  if (!reaped_) kill(pid_, sig);
}

std::optional<int> child_process::wait_for_exit(std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return decode_status(status);
    }
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // waitpid has no timeout
  }
}

command_result run_command(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fds[0]);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    close(pipe_fds[1]);
    exec_child(argv, env);
  }
  close(pipe_fds[1]);
  std::string output;
  char buffer[4096];
  ssize_t n;
  while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0) output.append(buffer, static_cast<std::size_t>(n));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {decode_status(status), output};
}

namespace {

// The first port the kernel may pick as the local end of an outgoing connection.
unsigned short first_ephemeral_port() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned low = 0;
  return range >> low && low > 21000 && low <= 65535 ? static_cast<unsigned short>(low) : 32768;
}

bool bindable(unsigned short port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io);
  boost::system::error_code ec;
  a.open(boost::asio::ip::tcp::v4(), ec);
  if (!ec) a.bind({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

}  // namespace

// A port the kernel hands out for an ephemeral bind or an outgoing connection can be taken
// by any client of any test between this call and the server's bind — or between a
// killed server and its restart on the same port. So the port lies below the ephemeral
// range, and a lock file held for this process's life keeps other test processes off it.
unsigned short free_port() {
  static const std::string lock_dir = [] {
    std::string dir = "/tmp/tutorbot-test-ports";
    ::mkdir(dir.c_str(), 01777);
    ::chmod(dir.c_str(), 01777);
    return dir;
  }();
  const unsigned first = 20000, end = first_ephemeral_port();
  std::mt19937 random(std::random_device{}());
  const unsigned offset = random() % (end - first);
  for (unsigned i = 0; i < end - first; ++i) {
    auto port = static_cast<unsigned short>(first + (offset + i) % (end - first));
    int fd = ::open((lock_dir + "/" + std::to_string(port)).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && bindable(port)) return port;  // fd stays open: the lock lives on
    ::close(fd);
  }
  throw std::runtime_error("no free loopback port below " + std::to_string(end));
}

// A real RSA key in Google's key-file layout, made once per test process; its token_uri is a
// closed port, so a service under test that asks Google simply finds it unreachable.
const std::string& throwaway_service_account() {
  static const std::string path = [] {
    auto file = "/tmp/tutorbot-test-sa-" + std::to_string(getpid()) + ".json";
    auto command = std::string(TUTORBOT_SOURCE_DIR) + "/scripts/make_service_account.sh " + file +
                   " http://127.0.0.1:9/token";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("cannot make a test key: " + command);
    return file;
  }();
  return path;
}

std::map<std::string, std::string> sandbox_environment() {
  return {
      {"TUTORBOT_API_TOKEN", "test-api-token"},
      {"STRIPE_SECRET_KEY", "sk_test_sandbox"},
      {"STRIPE_PUBLISHABLE_KEY", "pk_test_sandbox"},
      {"STRIPE_WEBHOOK_SECRET", "whsec_sandbox"},
      // Port 9 (discard) is closed: a test never talks to a sandbox someone left running.
      {"STRIPE_API_BASE", "http://127.0.0.1:9"},
      {"GCAL_API_BASE", "http://127.0.0.1:9/calendar/v3"},
      {"GCAL_SERVICE_ACCOUNT_JSON", throwaway_service_account()},
      {"CHATWOOT_BASE_URL", "http://127.0.0.1:9"},
      {"CHATWOOT_API_TOKEN", "chatwoot-sandbox-token"},
      {"CHATWOOT_ACCOUNT_ID", "1"},
      {"CHATWOOT_WEBHOOK_TOKEN", "chatwoot-sandbox-webhook"},
      {"CHATWOOT_SIGNING_SECRET", "chatwoot-sandbox-signing-secret"},
  };
}

}  // namespace tutorbot::testing
