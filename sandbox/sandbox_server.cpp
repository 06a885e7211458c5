#include "sandbox/sandbox_server.hpp"

#include <csignal>
#include <exception>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "net/http_server.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"
#include "sandbox/chatwoot_sandbox.hpp"
#include "sandbox/google_sandbox.hpp"
#include "sandbox/stripe_sandbox.hpp"

namespace tutorbot::sandbox {

namespace {

std::unique_ptr<net::http_server> start_server(boost::asio::io_context& io, obs::metrics& metrics,
                                               const std::string& host, unsigned short port, net::router routes) {
  net::server_options server_options;
  server_options.host = host;
  server_options.port = port;
  server_options.shutdown_grace = std::chrono::seconds(2);
  auto server = std::make_unique<net::http_server>(io, server_options, std::move(routes), metrics);
  server->start();
  return server;
}

std::string base_of(const std::string& host, unsigned short port) {
  return "http://" + host + ":" + std::to_string(port);
}

}  // namespace

int run_sandbox(const sandbox_options& options) {
  boost::asio::io_context io;
  obs::metrics metrics;
  std::unique_ptr<google_calendar_sandbox> google;
  std::unique_ptr<stripe_sandbox> stripe;
  std::unique_ptr<chatwoot_sandbox> chatwoot;
  std::unique_ptr<net::http_server> google_server, stripe_server, chatwoot_server;
  const char* starting = "google";
  try {
    google = std::make_unique<google_calendar_sandbox>(options.service_account_json_path);
    net::router google_routes;
    google->add_routes(google_routes);
    google_server = start_server(io, metrics, options.host, options.google_port, std::move(google_routes));

    starting = "stripe";
    stripe_sandbox_options stripe_options;
    stripe_options.secret_keys = {options.stripe_secret_key};
    stripe_options.webhook_secret = options.stripe_webhook_secret;
    stripe_options.webhook_url = options.stripe_webhook_url;
    stripe_options.seed = options.stripe_seed;
    stripe = std::make_unique<stripe_sandbox>(stripe_options);
    net::router stripe_routes;
    stripe->add_routes(stripe_routes);
    stripe_server = start_server(io, metrics, options.stripe_host, options.stripe_port, std::move(stripe_routes));

    starting = "chatwoot";
    chatwoot_sandbox_options chatwoot_options;
    chatwoot_options.account_id = options.chatwoot_account_id;
    chatwoot_options.bot_token = options.chatwoot_bot_token;
    chatwoot_options.user_token =
        options.chatwoot_user_token.empty() ? options.chatwoot_bot_token : options.chatwoot_user_token;
    chatwoot_options.webhook_url = options.chatwoot_webhook_url;
    chatwoot_options.webhook_token = options.chatwoot_webhook_token;
    chatwoot_options.signing_secret = options.chatwoot_signing_secret;
    chatwoot = std::make_unique<chatwoot_sandbox>(chatwoot_options);
    net::router chatwoot_routes;
    chatwoot->add_routes(chatwoot_routes);
    chatwoot_server =
        start_server(io, metrics, options.chatwoot_host, options.chatwoot_port, std::move(chatwoot_routes));
  } catch (const std::exception& e) {
    obs::log_error("sandbox_start_failed", {{"service", starting}, {"error", e.what()}});
    return 1;
  }
  const auto google_base = base_of(options.host, google_server->port());
  obs::log_info("sandbox_listening", {{"service", "google"},
                                      {"host", options.host},
                                      {"port", static_cast<unsigned>(google_server->port())},
                                      {"token_uri", google_base + "/token"},
                                      {"calendar_base", google_base + "/calendar/v3"}});
  const auto stripe_base = base_of(options.stripe_host, stripe_server->port());
  obs::log_info("sandbox_listening",
                {{"service", "stripe"},
                 {"host", options.stripe_host},
                 {"port", static_cast<unsigned>(stripe_server->port())},
                 {"api_base", stripe_base},
                 {"checkout_page", stripe_base + "/checkout/{session_id}"},
                 {"webhook_url", options.stripe_webhook_url.empty() ? "(none)" : options.stripe_webhook_url}});
  const auto chatwoot_base = base_of(options.chatwoot_host, chatwoot_server->port());
  obs::log_info("sandbox_listening",
                {{"service", "chatwoot"},
                 {"host", options.chatwoot_host},
                 {"port", static_cast<unsigned>(chatwoot_server->port())},
                 {"api_base", chatwoot_base},
                 {"account_id", options.chatwoot_account_id},
                 {"user_token", options.chatwoot_user_token.empty() ? "unset: the bot token may do everything" : "separate"},
                 {"student_side", chatwoot_base + "/sandbox/chatwoot/conversations"},
                 {"webhook_url", options.chatwoot_webhook_url.empty() ? "(none)" : options.chatwoot_webhook_url},
                 {"signed", !options.chatwoot_signing_secret.empty()}});

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    obs::log_info("sandbox_stopping", {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"}});
    auto left = std::make_shared<int>(3);
    auto one_done = [&io, left] {
      if (--*left == 0) io.stop();
    };
    // Answers waiting out a latency knob go now: they hold connections the servers drain.
    google->release_delayed_answers();
    stripe->release_delayed_answers();
    chatwoot->release_delayed_answers();
    google_server->shutdown(one_done);
    stripe_server->shutdown(one_done);
    chatwoot_server->shutdown(one_done);
  });
  io.run();
  google_server.reset();
  stripe_server.reset();
  chatwoot_server.reset();
  google.reset();
  stripe.reset();
  chatwoot.reset();
  obs::log_info("sandbox_stopped");
  return 0;
}

}  // namespace tutorbot::sandbox
