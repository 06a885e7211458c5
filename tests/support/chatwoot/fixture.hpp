#pragma once
// Boost.Test fixtures for the Chatwoot sandbox: a fresh receiver and sandbox per test case
// (the sandbox delivering to the receiver, signed, with ?token=), API callers for the bot's
// and the agent's token, and a poll-with-deadline helper.
#include <chrono>
#include <string>

#include "tests/support/chatwoot/chatwoot_api.hpp"
#include "tests/support/chatwoot/sandbox_server.hpp"
#include "tests/support/chatwoot/webhook_receiver.hpp"
#include "tests/support/eventually.hpp"

namespace tutorbot::testing {

struct chatwoot_sandbox_fixture {
  // Declared first so that it outlives the sandbox delivering to it.
  chatwoot_webhook_receiver receiver;
  chatwoot_sandbox_server server{chatwoot_sandbox_server::test_options(receiver.url())};
  sandbox::chatwoot_sandbox& sandbox = server.sandbox();
  chatwoot_api bot{server.port(), chatwoot_test_account, chatwoot_test_bot_token};
  chatwoot_api agent{server.port(), chatwoot_test_account, chatwoot_test_user_token};
};

}  // namespace tutorbot::testing
