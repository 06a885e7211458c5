#pragma once
// A loopback TCP proxy in front of a server, for tests of what a service does when the
// network between it and that server fails without closing anything.
#include <memory>

namespace tutorbot::testing {

class tcp_proxy {
 public:
  explicit tcp_proxy(unsigned short target_port);  // the target listens on 127.0.0.1
  ~tcp_proxy();
  tcp_proxy(const tcp_proxy&) = delete;
  tcp_proxy& operator=(const tcp_proxy&) = delete;

  unsigned short port() const;

  // From now on nothing passes on the connections open now, nor on new ones: they stay
  // established (this kernel acknowledges whatever is sent) and silent, as behind a frozen
  // server or a firewall that drops without resetting.
  void black_hole();
  // New connections pass again; those caught in the black hole stay in it, as after a NAT
  // or firewall lost their state.
  void heal();

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace tutorbot::testing
