#pragma once
// An HTTP server on 127.0.0.1 with its own io_context thread: what every in-process sandbox
// and webhook receiver of the tests runs on.
#include <functional>
#include <memory>

#include "net/router.hpp"

namespace boost::asio {
class io_context;
}

namespace tutorbot::testing {

class loopback_server {
 public:
  // Serves `routes` on `port` (0: any free port) until destroyed.
  explicit loopback_server(net::router routes, unsigned short port = 0);
  // For handlers that answer later on the server's own thread (timers): the routes are made
  // with its io_context before that thread starts, so no handler reaches for the server
  // object while it is being built or torn down.
  using routes_on = std::function<net::router(boost::asio::io_context&)>;
  explicit loopback_server(const routes_on& make_routes, unsigned short port = 0);
  ~loopback_server();  // lets answers in flight finish (at most 5 s), then stops the thread
  loopback_server(const loopback_server&) = delete;
  loopback_server& operator=(const loopback_server&) = delete;

  unsigned short port() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tutorbot::testing
