#include "tests/support/chatwoot/sandbox_server.hpp"

#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "net/http_server.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::testing {

struct chatwoot_sandbox_server::impl {
  impl() : work(io.get_executor()) {}

  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  obs::metrics metrics;
  sandbox::chatwoot_sandbox_options options;
  std::unique_ptr<sandbox::chatwoot_sandbox> sandbox;
  std::unique_ptr<net::http_server> server;
  std::thread thread;
};

sandbox::chatwoot_sandbox_options chatwoot_sandbox_server::test_options(const std::string& webhook_url) {
  sandbox::chatwoot_sandbox_options o;
  o.account_id = chatwoot_test_account;
  o.bot_token = chatwoot_test_bot_token;
  o.user_token = chatwoot_test_user_token;
  o.webhook_url = webhook_url;
  o.webhook_token = chatwoot_test_webhook_token;
  o.signing_secret = chatwoot_test_signing_secret;
  o.webhook_timeout = std::chrono::milliseconds(1000);
  o.seed = 20260310;
  return o;
}

chatwoot_sandbox_server::chatwoot_sandbox_server(sandbox::chatwoot_sandbox_options options)
    : impl_(std::make_unique<impl>()) {
  auto& s = *impl_;
  s.options = options;
  s.sandbox = std::make_unique<sandbox::chatwoot_sandbox>(std::move(options));
  net::router routes;
  s.sandbox->add_routes(routes);
  net::server_options server_options;
  server_options.port = 0;
  server_options.shutdown_grace = std::chrono::seconds(1);
  s.server = std::make_unique<net::http_server>(s.io, server_options, std::move(routes), s.metrics);
  s.server->start();
  s.thread = std::thread([&io = s.io] { io.run(); });
}

chatwoot_sandbox_server::~chatwoot_sandbox_server() {
  auto& s = *impl_;
  auto drained = std::make_shared<std::promise<void>>();
  auto done = drained->get_future();
  s.server->shutdown([drained] { drained->set_value(); });
  done.wait_for(std::chrono::seconds(5));
  s.work.reset();
  s.io.stop();
  s.thread.join();
  s.server.reset();
  s.sandbox.reset();
}

unsigned short chatwoot_sandbox_server::port() const { return impl_->server->port(); }
std::string chatwoot_sandbox_server::base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
const sandbox::chatwoot_sandbox_options& chatwoot_sandbox_server::options() const { return impl_->options; }
sandbox::chatwoot_sandbox& chatwoot_sandbox_server::sandbox() { return *impl_->sandbox; }

}  // namespace tutorbot::testing
