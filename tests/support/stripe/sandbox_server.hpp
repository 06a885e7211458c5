#pragma once
// The Stripe sandbox on its own loopback port, with short webhook retries and a fast expiry
// sweep: what every Stripe test starts from. The API key is sk_test_sandbox unless the
// options say otherwise.
#include <memory>
#include <string>

#include "sandbox/stripe_sandbox.hpp"

namespace tutorbot::testing {

class stripe_sandbox_server {
 public:
  // Webhook retries 10 ms .. 200 ms, 5 attempts, 2 s per attempt; expiry checked every 50 ms;
  // seeded, so ids and shuffles repeat.
  static sandbox::stripe_sandbox_options test_options();

  explicit stripe_sandbox_server(sandbox::stripe_sandbox_options options = test_options());
  ~stripe_sandbox_server();  // drains the server, then stops the sandbox
  stripe_sandbox_server(const stripe_sandbox_server&) = delete;
  stripe_sandbox_server& operator=(const stripe_sandbox_server&) = delete;

  unsigned short port() const;
  std::string base_url() const;  // http://127.0.0.1:<port>, what STRIPE_API_BASE would be
  const std::string& secret_key() const;
  sandbox::stripe_sandbox& sandbox();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tutorbot::testing
