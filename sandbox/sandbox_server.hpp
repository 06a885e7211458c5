#pragma once
// `tutorbot sandbox`: the local emulators of the outside services in one process, each on
// its own port: Stripe 8090, Google Calendar 8091, Chatwoot 8092.
#include <cstdint>
#include <optional>
#include <string>

namespace tutorbot::sandbox {

struct sandbox_options {
  std::string host = "127.0.0.1";  // Google's
  unsigned short google_port = 8091;  // 0: any free port (logged)
  std::string service_account_json_path;  // GCAL_SERVICE_ACCOUNT_JSON

  std::string stripe_host = "127.0.0.1";
  unsigned short stripe_port = 8090;  // 0: any free port (logged)
  std::string stripe_secret_key = "sk_test_sandbox";    // STRIPE_SECRET_KEY: the API key it accepts
  std::string stripe_webhook_secret = "whsec_sandbox";  // signs deliveries (STRIPE_WEBHOOK_SECRET)
  std::string stripe_webhook_url = "http://127.0.0.1:8080/webhooks/stripe";  // "" → events only listed
  std::optional<std::uint64_t> stripe_seed;  // STRIPE_SANDBOX_SEED: repeatable ids and shuffles

  std::string chatwoot_host = "127.0.0.1";
  unsigned short chatwoot_port = 8092;  // 0: any free port (logged)
  std::int64_t chatwoot_account_id = 1;                      // CHATWOOT_ACCOUNT_ID
  std::string chatwoot_bot_token = "chatwoot-sandbox-token";  // CHATWOOT_API_TOKEN: the agent bot's
  // CHATWOOT_USER_TOKEN: an agent's token, which may also list messages and update
  // contacts. "" → the bot token may do that too (it still writes as the agent bot).
  std::string chatwoot_user_token;
  std::string chatwoot_webhook_url = "http://127.0.0.1:8080/webhooks/chatwoot";  // "" → nothing delivered
  std::string chatwoot_webhook_token = "chatwoot-sandbox-webhook";  // CHATWOOT_WEBHOOK_TOKEN: ?token=…
  std::string chatwoot_signing_secret;  // CHATWOOT_SIGNING_SECRET: "" → unsigned webhooks
};

// Runs in the foreground until SIGINT or SIGTERM; then lets answers in flight finish and
// returns 0. Returns 1, after logging why, when a sandbox cannot start (bad key file,
// port taken).
int run_sandbox(const sandbox_options& options);

}  // namespace tutorbot::sandbox
