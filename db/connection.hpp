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

// Bounds on every session of the service, so a slow, locked or vanished database costs a
// worker seconds, never forever. They become libpq parameters of the URL (those the URL sets
// itself are kept): connect_timeout, TCP keepalives and tcp_user_timeout for a peer that is
// gone, and statement_timeout, lock_timeout and idle_in_transaction_session_timeout for the
// server. A connection also gives up on an answer later than the statement timeout plus a
// margin (see socket_deadline.hpp).
struct session_limits {
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds statement_timeout{15};
  std::chrono::seconds lock_timeout{5};
};
std::string url_with_limits(const std::string& url, const session_limits& limits);

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
  // How long to wait for any answer of the server: its statement timeout plus a margin,
  // read when the link opened (a minute when the session has none).
  std::chrono::milliseconds answer_timeout() const;

  struct impl;
  impl& internals();

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace tutorbot::db
