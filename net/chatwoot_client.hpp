#pragma once
// Chatwoot application API client: replies and private notes, the message history, labels,
// status, conversation custom attributes and contact updates, with bounded jittered retries
// and a deadline per call. Asio, Beast and Boost.JSON stay in chatwoot_client.cpp and
// chatwoot_json.cpp.
//
// Retries. Reads and the replacing writes (labels, status, attributes, contact) are safe to
// repeat, so 429, 5xx and transport failures are retried. Creating a message is not:
// Chatwoot has no idempotency key, so a create whose request may have reached it (a
// timeout, a lost connection, a 5xx) is never repeated here and its error says
// may_have_landed; only a 429 (refused before the controller) or a connection that never
// opened is retried. Whether to send it again is the outbox's decision, which can look at
// list_messages first.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/types.hpp"
#include "net/chatwoot_json.hpp"
#include "net/retry.hpp"

namespace boost::asio {
class io_context;
}

namespace tutorbot::net {

class http_client;

// ---- Errors ----------------------------------------------------------------------------

enum class chatwoot_error_kind {
  invalid_request,  // 400/422 (Chatwoot's message says why); also our own checks (status 0)
  unauthorized,     // 401: a wrong token, or a bot token on an endpoint bots may not use
  forbidden,        // 403
  not_found,        // 404: no such conversation or contact in this account
  rate_limited,     // 429, still after the retries
  server,           // 5xx, still after the retries (a create: at once, see may_have_landed)
  transport,        // no HTTP answer (connect, TLS, timeout, …)
  deadline,         // the call's deadline passed
  bad_response      // a 2xx answer we cannot read
};
std::string_view to_string(chatwoot_error_kind kind);

struct chatwoot_error {
  chatwoot_error_kind kind = chatwoot_error_kind::server;
  int http_status = 0;   // 0 when no HTTP answer arrived
  std::string message;   // Chatwoot's message, or what failed on our side; never a token
  // send_message only: Chatwoot may have stored the message although we got no usable
  // answer. Repeating the call may post it twice.
  bool may_have_landed = false;
};

template <class T>
using chatwoot_result = std::variant<T, chatwoot_error>;

// ---- What we send ----------------------------------------------------------------------

struct chatwoot_options {
  std::string base_url = "https://app.chatwoot.com";  // the installation, without /api/v1
  std::int64_t account_id = 0;
  // The agent bot's access token, sent as `api_access_token` (a proxy in front of Chatwoot
  // must pass headers with underscores: nginx needs underscores_in_headers on). Chatwoot
  // lets bot tokens create messages, toggle the status and set conversation custom
  // attributes; newer versions also read a conversation and its labels; never list
  // messages or update contacts (AccessTokenAuthHelper::BOT_ACCESSIBLE_ENDPOINTS in
  // chatwoot/chatwoot), which answer 401.
  std::string api_token;
  // An agent user's access token, optional: used for every call a bot token is refused on
  // in some version (contacts, the message list, labels, reading a conversation). When
  // empty those calls use api_token too, which works when that is an agent's token.
  std::string user_token;
  backoff_policy backoff{std::chrono::milliseconds{300}, std::chrono::milliseconds{5000}, 5};
  std::chrono::milliseconds attempt_timeout{10000};  // one HTTP request
  std::chrono::milliseconds deadline{30000};         // a whole call, retries, backoff and pages included
  int max_message_pages = 50;                        // list_messages: at most this many pages of 20
};

enum class chatwoot_content_type { text, input_select };

// One choice of an input_select: WhatsApp shows ≤ 3 as reply buttons, more as a list, and a
// tap comes back as an incoming text equal to the title. Limits are domain/whatsapp_text's.
struct chatwoot_select_item {
  std::string title;
  std::string value;
};

// An approved WhatsApp template, for messages outside the 24-hour window.
struct chatwoot_template {
  std::string name;
  std::string category;  // "UTILITY", "MARKETING", …
  std::string language;  // "nl", "en_US", …
  std::map<std::string, std::string> body_params;  // {"1": "Sanne", "2": "di 12 mrt 16:00"}
};

struct chatwoot_outgoing_message {
  std::string content;  // the text; with a template, what the agent sees in Chatwoot
  bool private_note = false;
  chatwoot_content_type content_type = chatwoot_content_type::text;
  std::vector<chatwoot_select_item> items;  // input_select only
  std::optional<chatwoot_template> whatsapp_template;
};

struct chatwoot_contact_update {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> phone_number;  // E.164; Chatwoot answers 422 otherwise
  chatwoot_attributes custom_attributes;    // merged into the contact's by Chatwoot
};

struct chatwoot_created_message {
  std::int64_t id = 0;
  std::chrono::sys_seconds created_at{};
};

// ---- Pure request building (public for tests) ------------------------------------------

// The JSON body of POST …/conversations/{id}/messages: {content, message_type: "outgoing",
// private, content_type, content_attributes: {items: [{title, value}]} for input_select,
// template_params: {name, category, language, processed_params: {body: {…}}}}.
std::string chatwoot_message_body(const chatwoot_outgoing_message& message);
// Empty when the message can be sent; else what is wrong with it.
std::string chatwoot_message_problem(const chatwoot_outgoing_message& message);

// ---- The client ------------------------------------------------------------------------

class chatwoot_client {
 public:
  // `io` runs the retry and deadline timers; `http` must outlive the client and every call
  // in flight.
  chatwoot_client(boost::asio::io_context& io, http_client& http, chatwoot_options options);
  ~chatwoot_client();
  chatwoot_client(const chatwoot_client&) = delete;
  chatwoot_client& operator=(const chatwoot_client&) = delete;

  // All calls are thread-safe; each callback runs exactly once, on an io_context thread,
  // never inside the call. A request refused before sending answers invalid_request with
  // http_status 0.

  // POST /api/v1/accounts/{a}/conversations/{c}/messages. Not retried once it may have
  // reached Chatwoot (see the top of this file).
  void send_message(domain::conversation_id conversation, chatwoot_outgoing_message message,
                    std::function<void(chatwoot_result<chatwoot_created_message>)> done);

  // GET …/messages, oldest first. Chatwoot answers the latest 20 and pages backwards with
  // ?before=<id>; with `after` this pages back until it reaches that id and answers only
  // the newer messages; without it, the whole conversation (up to max_message_pages).
  void list_messages(domain::conversation_id conversation, std::optional<std::int64_t> after,
                     std::function<void(chatwoot_result<std::vector<chatwoot_message>>)> done);

  // GET …/labels.
  void get_labels(domain::conversation_id conversation,
                  std::function<void(chatwoot_result<std::vector<std::string>>)> done);
  // POST …/labels: replaces the whole list (callers read, merge and write). Answers the
  // labels Chatwoot kept, which may be fewer: it drops blanks and duplicates, and some
  // versions titles the account has not defined (LabelConcern#valid_labels).
  void set_labels(domain::conversation_id conversation, std::vector<std::string> labels,
                  std::function<void(chatwoot_result<std::vector<std::string>>)> done);

  // POST …/toggle_status; answers the status Chatwoot reports. A bot moving its pending
  // conversation to open is Chatwoot's bot handoff.
  void toggle_status(domain::conversation_id conversation, chatwoot_status status,
                     std::function<void(chatwoot_result<chatwoot_status>)> done);

  // POST …/custom_attributes: replaces the conversation's custom attributes with `attributes`
  // (Chatwoot's default; callers read, merge and write). Answers the attributes now set.
  void set_conversation_attributes(domain::conversation_id conversation, chatwoot_attributes attributes,
                                   std::function<void(chatwoot_result<chatwoot_attributes>)> done);

  // PUT /api/v1/accounts/{a}/contacts/{id}, with user_token when set.
  void update_contact(std::int64_t contact_id, chatwoot_contact_update update,
                      std::function<void(chatwoot_result<chatwoot_sender>)> done);

  // GET /api/v1/accounts/{a}/conversations?status=&page=: one page (25) of the account's
  // conversations in that status, most recent activity first. Needs an agent's token
  // (user_token when set): bots may not list conversations.
  void list_conversations(chatwoot_status status, int page,
                          std::function<void(chatwoot_result<std::vector<chatwoot_conversation>>)> done);

  // GET …/conversations/{c}: status, labels, contact (meta.sender) and custom attributes.
  void get_conversation(domain::conversation_id conversation,
                        std::function<void(chatwoot_result<chatwoot_conversation>)> done);

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace tutorbot::net
