// The HTTP server as the internet meets it: the input's bytes are written on one loopback
// connection to a server with the production limits of tutorbot.yaml (and routes shaped
// like the service's: a GET, a POST that echoes its body, a path parameter), then the
// client stops sending. The server must answer only with well-formed status lines and
// close the connection; it must never crash, hang or keep the connection open.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>

#include "app/server_options.hpp"
#include "net/http_server.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace tutorbot;
namespace asio = boost::asio;

namespace {

net::router service_like_routes() {
  net::router r;
  r.add("GET", "/healthz", [](net::server_request&&, net::respond_fn respond) {
    respond(net::server_response::json(200, R"({"status":"ok"})"));
  });
  r.add("POST", "/webhooks/stripe", [](net::server_request&& req, net::respond_fn respond) {
    respond(net::server_response::text(200, req.body, "text/plain"));
  });
  r.add("GET", "/api/v1/tutors/{id}/slots", [](net::server_request&& req, net::respond_fn respond) {
    respond(net::server_response::json(200, "{\"from\":\"" + req.query_param("from").value_or("") + "\"}"));
  });
  return r;
}

// One server for the whole run, its io_context on its own thread.
struct server_under_test {
  server_under_test() : work(io.get_executor()) {
    obs::set_log_level(obs::log_level::error);  // a request log line per input would drown the fuzzer's output
    auto options = app::http_server_options(config::service_settings{});
    options.port = 0;
    server = std::make_unique<net::http_server>(io, options, service_like_routes(), metrics);
    server->start();
    thread = std::thread([this] { io.run(); });
  }
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  obs::metrics metrics;
  std::unique_ptr<net::http_server> server;
  std::thread thread;
};

server_under_test& server() {
  static auto* s = new server_under_test;  // never destroyed: the fuzzer exits from anywhere
  return *s;
}

void check_responses(std::string_view answer) {
  // Every response the server wrote begins with a status line; a closed connection may
  // have none at all (the input ended inside a request).
  if (answer.empty()) return;
  fuzz::check(answer.starts_with("HTTP/1.1 "), "the answer begins with a status line", answer.substr(0, 200));
  const auto status = answer.substr(9, 3);
  fuzz::check(status.size() == 3 && status.find_first_not_of("0123456789") == std::string_view::npos &&
                  status[0] >= '1' && status[0] <= '5',
              "the status is three digits", answer.substr(0, 200));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& s = server();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  fuzz::check(fd >= 0, "a client socket");
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(s.server->port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  fuzz::check(::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0, "the server accepts");
  // The server may answer and close before it has read everything: stop sending then.
  for (std::size_t sent = 0; sent < size;) {
    const auto n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  // A server that keeps the connection open after the client stopped sending would hang
  // here: past the longest production timeout that is a failure.
  std::string answer;
  for (;;) {
    pollfd ready{fd, POLLIN, 0};
    fuzz::check(::poll(&ready, 1, 35'000) == 1, "the server closes the connection once the client stopped sending");
    char chunk[4096];
    const auto n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;  // closed (or reset after an early answer)
    answer.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  check_responses(answer);
  return 0;
}
