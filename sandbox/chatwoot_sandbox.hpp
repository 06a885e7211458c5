#pragma once
// A local, protocol-faithful Chatwoot: the Application API subset tutorbot uses (messages,
// labels, status, custom attributes, contacts) with Chatwoot's JSON shapes, token rules and
// error bodies, on one account with one WhatsApp inbox served by an agent bot; and the
// student's side of WhatsApp, which turns a student's text into the `message_created`
// webhook Chatwoot would POST to tutorbot. tutorbot's own client talks to it with nothing
// changed but CHATWOOT_BASE_URL.
//
// Routes (all on one port):
//   /api/v1/accounts/{account_id}/...  the API (chatwoot_api_routes.cpp), header `api_access_token`
//   /sandbox/chatwoot/...              the student's side, staff actions, knobs and inspection
//                                      (chatwoot_control_routes.cpp; JSON, no auth)
//
// Tokens, as Chatwoot's AccessTokenAuthHelper treats them: the agent bot's token reaches
// only conversations show / toggle_status / custom_attributes and messages create
// (Chatwoot's BOT_ACCESSIBLE_ENDPOINTS up to 4.13); anything else — labels, listing
// messages, updating a contact — answers 401 "Access to this endpoint is not authorized for
// bots". An agent's
// (user's) token reaches everything. When both options hold the same token, it still acts
// as the bot (its messages come from the agent bot) but reaches everything. No header at all gets devise_token_auth's 401; an unknown token 401 "Invalid
// Access Token"; another account id 404 "Resource could not be found" (this Chatwoot has
// one account).
//
// Sandbox rules beyond sandbox/chatwoot_store.hpp's: webhooks (message_created,
// conversation_status_changed) go to one URL, one at a time, once each; when one for a
// message fails on a pending conversation, the conversation opens for humans, as Chatwoot
// does for a failing agent bot (unless options.open_on_bot_failure is off, Chatwoot's
// keep_pending_on_bot_failure). advance_clock() moves the sandbox's "now" (WhatsApp's
// 24-hour window) without waiting.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/router.hpp"
#include "sandbox/chatwoot_store.hpp"
#include "sandbox/chatwoot_webhooks.hpp"

namespace tutorbot::sandbox {

struct chatwoot_sandbox_options {
  std::int64_t account_id = 1;                   // CHATWOOT_ACCOUNT_ID
  std::string account_name = "Sandbox Tutoring";
  std::string bot_token = "chatwoot-sandbox-token";  // the agent bot's token (CHATWOOT_API_TOKEN)
  std::string user_token;  // an agent's token (CHATWOOT_USER_TOKEN); "" → none; = bot_token: see above
  std::string webhook_url;     // tutorbot's /webhooks/chatwoot; "" → nothing delivered
  std::string webhook_token;   // added to the URL as ?token=… (CHATWOOT_WEBHOOK_TOKEN)
  std::string signing_secret;  // "" → unsigned (CHATWOOT_SIGNING_SECRET)
  std::chrono::milliseconds webhook_timeout{5000};  // Chatwoot's WEBHOOK_TIMEOUT default
  std::chrono::milliseconds webhook_retry_delay{3000};  // after an answer of 429 or 500 (3 attempts)
  bool lock_to_single_conversation = false;          // the WhatsApp inbox's setting
  bool open_on_bot_failure = true;
  std::optional<std::uint64_t> seed;  // repeatable uuids and WhatsApp message ids
};

// One API request as it arrived and was answered (GET /sandbox/chatwoot/calls).
struct chatwoot_api_call {
  std::string method;
  std::string target;  // path and query
  std::string body;
  int status = 0;
  std::string token;  // bot, user, invalid, none
  std::int64_t at = 0;  // unix seconds (the sandbox's clock)
};

class chatwoot_sandbox {
 public:
  explicit chatwoot_sandbox(chatwoot_sandbox_options options = {});
  ~chatwoot_sandbox();  // stops deliveries
  chatwoot_sandbox(const chatwoot_sandbox&) = delete;
  chatwoot_sandbox& operator=(const chatwoot_sandbox&) = delete;

  void add_routes(net::router& routes);

  // Thread-safe; each also reachable over HTTP under /sandbox/chatwoot/.
  // A student writes from `phone` for the first time: a contact and a pending WhatsApp
  // conversation (or the number's unresolved one). Throws std::invalid_argument naming
  // what is wrong with phone or email.
  chatwoot::opened_conversation open_conversation(const std::string& phone, const std::string& name,
                                                  const std::string& email = {});
  // The student sends `content` in the conversation: recorded, then a message_created
  // webhook. nullopt when the conversation is unknown.
  std::optional<chatwoot::incoming_result> student_writes(std::int64_t conversation_id, const std::string& content);
  // The student sends a photo (or another `attachment` type) with `caption` ("" for none).
  std::optional<chatwoot::incoming_result> student_sends(std::int64_t conversation_id, const std::string& attachment,
                                                         const std::string& caption);
  // Meta refuses every later outgoing message of the conversation; false when it is unknown.
  bool make_undeliverable(std::int64_t conversation_id);
  // A staff member writes in Chatwoot (outgoing from a user, or a private note); the
  // message's id, nullopt when the conversation is unknown.
  std::optional<std::int64_t> agent_writes(std::int64_t conversation_id, const std::string& content,
                                           bool is_private = false);
  // A staff member sets the status (open, pending, resolved, snoozed); false when the
  // conversation or the status is unknown.
  bool set_status(std::int64_t conversation_id, const std::string& status);
  std::optional<chatwoot::transcript> transcript(std::int64_t conversation_id) const;
  // As GET /api/v1/accounts/{a}/conversations/{c} answers it.
  std::optional<std::string> conversation_json(std::int64_t conversation_id) const;

  std::vector<chatwoot_api_call> calls() const;
  std::vector<chatwoot::delivery_record> deliveries() const;
  void set_webhook_endpoint(std::string url, std::string token, std::string secret);
  void drop_next_webhooks(int count);
  // The next `count` API calls answer `status` without doing anything: 429 as Rack::Attack
  // throttles, 5xx as a proxy or a crashing Rails answers.
  void fail_next(int count, int status);
  // Every API answer comes this much later; the call has been applied already (an answer
  // that comes too late is a lost answer, not a refusal).
  void set_latency(std::chrono::milliseconds latency);
  // Answers every call still waiting out the latency now, and later ones without delay.
  // Call before the HTTP server that carries the answers stops: they hold its connections.
  void release_delayed_answers();
  // Senders of incoming messages as older Chatwoot sent them: {id, name, avatar, type}.
  void set_legacy_sender(bool on);
  void advance_clock(std::chrono::seconds by);
  chatwoot::instant now() const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace tutorbot::sandbox
