#include "db/socket_deadline.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <sys/socket.h>

namespace tutorbot::db {

namespace {

using clock = std::chrono::steady_clock;

// One thread for the whole process: it sleeps until the earliest armed deadline. The
// descriptor is shut down under the lock that disarming takes, so it cannot have been closed
// (and its number reused) by its owner meanwhile.
class watcher {
 public:
  static watcher& instance() {
    static watcher w;
    return w;
  }

  std::uint64_t arm(int fd, clock::time_point deadline) {
    std::lock_guard lock(mutex_);
    auto ticket = ++last_ticket_;
    armed_.emplace(ticket, entry{fd, deadline, false});
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    changed_.notify_one();
    return ticket;
  }

  void disarm(std::uint64_t ticket) {
    std::lock_guard lock(mutex_);
    armed_.erase(ticket);
  }

  bool expired(std::uint64_t ticket) {
    std::lock_guard lock(mutex_);
    auto it = armed_.find(ticket);
    return it != armed_.end() && it->second.expired;
  }

  ~watcher() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      changed_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  struct entry {
    int fd;
    clock::time_point deadline;
    bool expired;
  };

  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      auto next = clock::time_point::max();
      const auto now = clock::now();
      for (auto& [ticket, e] : armed_) {
        if (e.expired) continue;
        if (e.deadline <= now) {
          e.expired = true;
          ::shutdown(e.fd, SHUT_RDWR);
        } else {
          next = std::min(next, e.deadline);
        }
      }
      if (next == clock::time_point::max())
        changed_.wait(lock);
      else
        changed_.wait_until(lock, next);
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::uint64_t, entry> armed_;
  std::uint64_t last_ticket_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

socket_deadline::socket_deadline(int fd, clock::time_point deadline) : ticket_(watcher::instance().arm(fd, deadline)) {}

socket_deadline::~socket_deadline() { watcher::instance().disarm(ticket_); }

bool socket_deadline::expired() const { return watcher::instance().expired(ticket_); }

}  // namespace tutorbot::db
