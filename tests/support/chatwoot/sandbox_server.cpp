#include "tests/support/chatwoot/sandbox_server.hpp"



#include "tests/support/loopback_server.hpp"

namespace tutorbot::testing {

struct chatwoot_sandbox_server::impl {
  sandbox::chatwoot_sandbox_options options;
  std::unique_ptr<sandbox::chatwoot_sandbox> sandbox;
  std::unique_ptr<loopback_server> server;
};

sandbox::chatwoot_sandbox_options chatwoot_sandbox_server::test_options(const std::string& webhook_url) {
  sandbox::chatwoot_sandbox_options o;
  o.account_id = chatwoot_test_account;
  o.bot_token = chatwoot_test_bot_token;
  o.user_token = chatwoot_test_user_token;
  o.webhook_url = webhook_url;
  o.webhook_token = chatwoot_test_webhook_token;
  o.signing_secret = chatwoot_test_signing_secret;
  o.webhook_timeout = std::chrono::milliseconds(5000);  // as Chatwoot waits (WEBHOOK_TIMEOUT)
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
  s.server = std::make_unique<loopback_server>(std::move(routes), 0);
}

chatwoot_sandbox_server::~chatwoot_sandbox_server() {
  auto& s = *impl_;
  s.sandbox->release_delayed_answers();  // while the server can still write them
  s.server.reset();
  s.sandbox.reset();
}

unsigned short chatwoot_sandbox_server::port() const { return impl_->server->port(); }
std::string chatwoot_sandbox_server::base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
const sandbox::chatwoot_sandbox_options& chatwoot_sandbox_server::options() const { return impl_->options; }
sandbox::chatwoot_sandbox& chatwoot_sandbox_server::sandbox() { return *impl_->sandbox; }

}  // namespace tutorbot::testing
