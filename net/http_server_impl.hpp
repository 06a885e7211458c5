#pragma once
// Inside the HTTP server (net/http_server.cpp, net/http_session.hpp): the server's state, which
// every connection's session reports to. Not for other files: the interface is http_server.hpp.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>

#include "net/http_server.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::net {

namespace http_detail {
class session;
}

struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
  impl(boost::asio::io_context& io_context, server_options opts, router r, obs::metrics& m)
      : io(io_context),
        options(std::move(opts)),
        routes(std::move(r)),
        acceptor(boost::asio::make_strand(io_context)),
        grace_timer(io_context),
        requests(m.counter("tutorbot_http_requests_total", "HTTP requests by route, method and status")),
        latency(m.histogram("tutorbot_http_request_duration_seconds",
                            "HTTP request latency from the complete request to the sent response")),
        connections(m.gauge("tutorbot_http_open_connections", "Open HTTP connections").Add({})),
        accept_failures(m.counter("tutorbot_http_accept_failures_total",
                                  "Accepts that failed (out of descriptors); the next try waits 100 ms")
                            .Add({})),
        evictions(m.counter("tutorbot_http_connections_evicted_total",
                            "Connections closed at the cap because they had sent no request header yet")
                      .Add({})) {}

  boost::asio::io_context& io;
  server_options options;
  router routes;
  boost::asio::ip::tcp::acceptor acceptor;
  boost::asio::steady_timer grace_timer;
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& latency;
  prometheus::Gauge& connections;
  prometheus::Counter& accept_failures;
  prometheus::Counter& evictions;
  unsigned short bound_port = 0;

  std::mutex mutex;
  std::set<std::weak_ptr<http_detail::session>, std::owner_less<std::weak_ptr<http_detail::session>>> sessions;
  std::map<std::string, std::size_t> per_address;  // guarded by mutex
  boost::asio::steady_timer accept_pause{io};              // after EMFILE: the accept loop waits instead of spinning
  std::chrono::steady_clock::time_point last_accept_warning{};
  std::atomic<std::size_t> open{0};
  std::atomic<bool> stopping{false};
  std::function<void()> on_drained;  // guarded by mutex; called once

  void accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  bool evict_oldest_waiting();  // true when a connection waiting for its first header was told to close
  void release_address(const std::string& address);
  void session_closed(const std::weak_ptr<http_detail::session>& s);
  void finish_shutdown();
  void record(const std::string& route, const std::string& method, int status,
              std::chrono::steady_clock::duration elapsed);
};

}  // namespace tutorbot::net
