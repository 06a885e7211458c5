#include "sandbox/sandbox_server.hpp"

#include <csignal>
#include <exception>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "net/http_server.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"
#include "sandbox/google_sandbox.hpp"

namespace tutorbot::sandbox {

int run_sandbox(const sandbox_options& options) {
  boost::asio::io_context io;
  obs::metrics metrics;
  std::unique_ptr<google_calendar_sandbox> google;
  std::unique_ptr<net::http_server> google_server;
  try {
    google = std::make_unique<google_calendar_sandbox>(options.service_account_json_path);
    net::router routes;
    google->add_routes(routes);
    net::server_options server_options;
    server_options.host = options.host;
    server_options.port = options.google_port;
    server_options.shutdown_grace = std::chrono::seconds(2);
    google_server = std::make_unique<net::http_server>(io, server_options, std::move(routes), metrics);
    google_server->start();
  } catch (const std::exception& e) {
    obs::log_error("sandbox_start_failed", {{"service", "google"}, {"error", e.what()}});
    return 1;
  }
  const unsigned short port = google_server->port();
  obs::log_info("sandbox_listening",
                {{"service", "google"},
                 {"host", options.host},
                 {"port", static_cast<unsigned>(port)},
                 {"token_uri", "http://" + options.host + ":" + std::to_string(port) + "/token"},
                 {"calendar_base", "http://" + options.host + ":" + std::to_string(port) + "/calendar/v3"}});

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    obs::log_info("sandbox_stopping", {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"}});
    google_server->shutdown([&io] { io.stop(); });
  });
  io.run();
  google_server.reset();
  google.reset();
  obs::log_info("sandbox_stopped");
  return 0;
}

}  // namespace tutorbot::sandbox
