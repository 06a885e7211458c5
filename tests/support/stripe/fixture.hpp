#pragma once
// Boost.Test fixtures for the Stripe sandbox: a fresh sandbox (and, for webhook tests, a
// receiver it delivers to) per test case, and a poll-with-deadline helper.
#include <chrono>
#include <string>

#include "tests/support/stripe/sandbox_server.hpp"
#include "tests/support/stripe/stripe_api.hpp"
#include "tests/support/stripe/webhook_receiver.hpp"
#include "tests/support/eventually.hpp"

namespace tutorbot::testing {

struct stripe_sandbox_fixture {
  stripe_sandbox_server server;
  stripe_api api{server.port(), server.secret_key()};
  sandbox::stripe_sandbox& sandbox = server.sandbox();
};

inline const std::string test_webhook_secret = "whsec_test_0123456789abcdef";

struct stripe_webhook_fixture : stripe_sandbox_fixture {
  stripe_webhook_fixture() { sandbox.set_webhook_endpoint(receiver.url(), test_webhook_secret); }
  webhook_receiver receiver;
};

}  // namespace tutorbot::testing
