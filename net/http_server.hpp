#pragma once
// The service's HTTP/1.1 server. Beast stays in http_server.cpp; callers see plain values.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "net/router.hpp"

namespace boost::asio {
class io_context;
}

namespace tutorbot::obs {
class metrics;
}

namespace tutorbot::net {

struct server_options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::size_t header_limit = 8 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::seconds read_timeout{15};   // a whole request, once its first byte is due
  // A new connection's first request header must be in within this: a client that opens
  // connections and sends nothing, or a byte at a time (slowloris), is cut off early.
  std::chrono::seconds header_timeout{5};
  std::chrono::seconds idle_timeout{30};   // between requests on a keep-alive connection
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_address = 32;  // 0: no limit (behind a proxy)
  std::chrono::seconds shutdown_grace{4};  // in-flight requests get this long to finish
};

class http_server {
 public:
  http_server(boost::asio::io_context& io, server_options options, router routes,
              obs::metrics& metrics);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds and listens; throws std::runtime_error naming the address on failure.
  void start();
  unsigned short port() const;
  std::size_t open_connections() const;

  // Stops accepting, closes idle connections, lets in-flight requests finish and then
  // closes their connections; calls done once all are closed or the grace period ends.
  void shutdown(std::function<void()> done);

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace tutorbot::net
