#pragma once
// Internal to db/: a bound on how long a thread may wait for PostgreSQL's answer.
//
// libpq waits for an answer in poll() without a timeout. statement_timeout and TCP keepalives
// end most waits, but not one on a server that stopped without closing anything (SIGSTOP, a
// frozen VM, a proxy or NAT that black-holes an established connection): the kernel of the
// far end still acknowledges every packet, so the worker waits forever and its pool shrinks
// by one. An armed deadline shuts the socket down (not closes it: the descriptor stays
// libpq's) once it passes; poll() then returns, libpq reports the connection lost, and the
// connection reconnects.
#include <chrono>
#include <cstdint>

namespace tutorbot::db {

class socket_deadline {
 public:
  // Watches `fd` until this object ends; shuts it down if that is later than `deadline`.
  socket_deadline(int fd, std::chrono::steady_clock::time_point deadline);
  ~socket_deadline();
  socket_deadline(const socket_deadline&) = delete;
  socket_deadline& operator=(const socket_deadline&) = delete;

  // True when the deadline passed and the socket was shut down.
  bool expired() const;

 private:
  std::uint64_t ticket_;
};

}  // namespace tutorbot::db
