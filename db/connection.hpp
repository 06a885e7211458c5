#pragma once
// One PostgreSQL connection that re-establishes itself with backoff. libpqxx stays inside
// db/: repositories reach it through db/pq.hpp, everyone else sees this class and results.
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

namespace tutorbot::db {

// The database cannot be reached right now (down, restarting, or still in backoff).
class unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct backoff_policy {
  std::chrono::milliseconds first{100};
  std::chrono::milliseconds max{5000};
};

class connection {
 public:
  explicit connection(std::string url, backoff_policy backoff = {});
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Connects when needed. Throws unavailable when the server cannot be reached or the
  // next attempt is not due yet, so a caller never blocks through a whole outage.
  void ensure_open();
  bool is_open() const;
  // Drops the link after a broken_connection so that the next call reconnects.
  void mark_broken();

  struct impl;
  impl& internals();

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace tutorbot::db
