#include "tests/support/stripe/sandbox_server.hpp"

#include "tests/support/loopback_server.hpp"

namespace tutorbot::testing {

struct stripe_sandbox_server::impl {
  std::string secret_key;
  std::unique_ptr<sandbox::stripe_sandbox> sandbox;
  std::unique_ptr<loopback_server> server;  // any free port: the sandbox learns its address from Host
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
  s.server = std::make_unique<loopback_server>(std::move(routes));
}

stripe_sandbox_server::~stripe_sandbox_server() {
  impl_->sandbox->release_delayed_answers();  // while the server can still write them
  impl_->server.reset();
  impl_->sandbox.reset();
}

unsigned short stripe_sandbox_server::port() const { return impl_->server->port(); }
std::string stripe_sandbox_server::base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
const std::string& stripe_sandbox_server::secret_key() const { return impl_->secret_key; }
sandbox::stripe_sandbox& stripe_sandbox_server::sandbox() { return *impl_->sandbox; }

}  // namespace tutorbot::testing
