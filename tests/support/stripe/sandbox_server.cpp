#include "tests/support/stripe/sandbox_server.hpp"

#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "net/http_server.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::testing {

struct stripe_sandbox_server::impl {
  impl() : work(io.get_executor()) {}

  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  obs::metrics metrics;
  std::string secret_key;
  std::unique_ptr<sandbox::stripe_sandbox> sandbox;
  std::unique_ptr<net::http_server> server;
  std::thread thread;
};

sandbox::stripe_sandbox_options stripe_sandbox_server::test_options() {
  sandbox::stripe_sandbox_options o;
  o.webhook_retry = {std::chrono::milliseconds(10), std::chrono::milliseconds(200), 5};
  o.webhook_timeout = std::chrono::milliseconds(2000);
  o.expiry_check_interval = std::chrono::milliseconds(50);
  o.seed = 20260310;
  return o;
}

stripe_sandbox_server::stripe_sandbox_server(sandbox::stripe_sandbox_options options)
    : impl_(std::make_unique<impl>()) {
  auto& s = *impl_;
  s.secret_key = options.secret_keys.empty() ? std::string{} : options.secret_keys.front();
  s.sandbox = std::make_unique<sandbox::stripe_sandbox>(std::move(options));
  net::router routes;
  s.sandbox->add_routes(routes);
  net::server_options server_options;
  server_options.port = 0;  // any free port: the sandbox learns its address from Host
  server_options.shutdown_grace = std::chrono::seconds(1);
  s.server = std::make_unique<net::http_server>(s.io, server_options, std::move(routes), s.metrics);
  s.server->start();
  s.thread = std::thread([&io = s.io] { io.run(); });
}

stripe_sandbox_server::~stripe_sandbox_server() {
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

unsigned short stripe_sandbox_server::port() const { return impl_->server->port(); }
std::string stripe_sandbox_server::base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
const std::string& stripe_sandbox_server::secret_key() const { return impl_->secret_key; }
sandbox::stripe_sandbox& stripe_sandbox_server::sandbox() { return *impl_->sandbox; }

}  // namespace tutorbot::testing
