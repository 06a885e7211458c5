#pragma once
// Outbound HTTPS client for Stripe, Google Calendar and Chatwoot: TLS with verification,
// keep-alive pooling per scheme+host+port, timeouts and response size limits.
// Asio and Beast stay in http_client.cpp so including this header costs nothing.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace tutorbot::net {

struct http_header {
  std::string name, value;
};

struct client_request {
  std::string method;  // "GET", "POST", ...
  std::string url;     // https://host[:port]/path?query (http:// only to loopback)
  std::vector<http_header> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};  // whole request, connect included
};

struct client_response {
  int status = 0;
  std::vector<http_header> headers;
  std::string body;

  // First header with that name, compared case-insensitively.
  std::optional<std::string> header(std::string_view name) const;
};

enum class client_error_kind {
  bad_url,
  insecure_scheme,
  resolve,
  connect,
  tls,
  certificate,
  timeout,
  too_large,
  protocol,
  closed
};
std::string_view to_string(client_error_kind kind);

struct client_error {
  client_error_kind kind;
  std::string message;  // says what failed and where, e.g. the host and OpenSSL's reason
};

using client_result = std::variant<client_response, client_error>;

struct client_options {
  std::optional<std::string> ca_file;  // PEM bundle; default: the system store
  std::chrono::milliseconds connect_timeout{5000};  // resolve + connect + TLS handshake
  std::size_t max_response_bytes{8u << 20};         // body limit
  std::size_t max_idle_per_host{8};
  std::chrono::seconds idle_keepalive{30};
  std::string user_agent{"tutorbot/0.1"};
};

class http_client {
 public:
  // Throws std::runtime_error when ca_file cannot be loaded (a configuration error).
  explicit http_client(boost::asio::io_context& ioc, client_options options = {});
  ~http_client();  // same as shutdown()
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  // Thread-safe. `done` runs exactly once, on an io_context thread, never inside send().
  void send(client_request request, std::function<void(client_result)> done);

  // Closes pooled connections; sends in flight and later ones complete with `closed`.
  void shutdown();

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace tutorbot::net
