#pragma once
// The Chatwoot sandbox on its own loopback port: what every Chatwoot test starts from.
// Account 3 (not 1, so a client that assumes 1 fails), a bot token and a separate agent
// (user) token, a 1 s webhook timeout, seeded ids.
#include <cstdint>
#include <memory>
#include <string>

#include "sandbox/chatwoot_sandbox.hpp"

namespace tutorbot::testing {

inline const std::string chatwoot_test_bot_token = "cw-bot-token-0123456789";
inline const std::string chatwoot_test_user_token = "cw-user-token-0123456789";
inline const std::string chatwoot_test_webhook_token = "cw-webhook-token-0123456789";
inline const std::string chatwoot_test_signing_secret = "cw-signing-secret-0123456789";
inline constexpr std::int64_t chatwoot_test_account = 3;

class chatwoot_sandbox_server {
 public:
  // The tokens and account above; webhooks to `webhook_url` ("" → none) with the webhook
  // token and signing secret above; 1 s webhook timeout; seeded.
  static sandbox::chatwoot_sandbox_options test_options(const std::string& webhook_url = {});

  explicit chatwoot_sandbox_server(sandbox::chatwoot_sandbox_options options = test_options());
  ~chatwoot_sandbox_server();  // drains the server, then stops the sandbox
  chatwoot_sandbox_server(const chatwoot_sandbox_server&) = delete;
  chatwoot_sandbox_server& operator=(const chatwoot_sandbox_server&) = delete;

  unsigned short port() const;
  std::string base_url() const;  // http://127.0.0.1:<port>, what CHATWOOT_BASE_URL would be
  const sandbox::chatwoot_sandbox_options& options() const;
  sandbox::chatwoot_sandbox& sandbox();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tutorbot::testing
