#include "net/chatwoot_client.hpp"

#include <algorithm>
#include <mutex>
#include <set>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "net/http_client.hpp"
#include "net/stripe_client.hpp"  // redact

namespace tutorbot::net {

namespace json = boost::json;
using namespace std::chrono;

std::string_view to_string(chatwoot_error_kind kind) {
  switch (kind) {
    case chatwoot_error_kind::invalid_request: return "invalid_request";
    case chatwoot_error_kind::unauthorized: return "unauthorized";
    case chatwoot_error_kind::forbidden: return "forbidden";
    case chatwoot_error_kind::not_found: return "not_found";
    case chatwoot_error_kind::rate_limited: return "rate_limited";
    case chatwoot_error_kind::server: return "server";
    case chatwoot_error_kind::transport: return "transport";
    case chatwoot_error_kind::deadline: return "deadline";
    case chatwoot_error_kind::bad_response: return "bad_response";
  }
  return "server";
}

std::string chatwoot_message_problem(const chatwoot_outgoing_message& message) {
  if (message.content.empty() && !message.whatsapp_template) return "the message has no content";
  if (message.content_type == chatwoot_content_type::input_select) {
    if (message.items.empty()) return "an input_select message needs at least one item";
    for (const auto& item : message.items)
      if (item.title.empty()) return "an input_select item has an empty title";
  }
  if (message.whatsapp_template && message.whatsapp_template->name.empty()) return "the template has no name";
  return {};
}

std::string chatwoot_message_body(const chatwoot_outgoing_message& message) {
  json::object o;
  o["content"] = message.content;
  o["message_type"] = "outgoing";
  o["private"] = message.private_note;
  bool select = message.content_type == chatwoot_content_type::input_select;
  o["content_type"] = select ? "input_select" : "text";
  if (select) {
    json::array items;
    for (const auto& item : message.items) items.push_back(json::object{{"title", item.title}, {"value", item.value}});
    o["content_attributes"] = json::object{{"items", std::move(items)}};
  }
  if (const auto& t = message.whatsapp_template) {
    json::object body;
    for (const auto& [key, value] : t->body_params) body[key] = value;
    o["template_params"] = json::object{{"name", t->name},
                                        {"category", t->category},
                                        {"language", t->language},
                                        {"processed_params", json::object{{"body", std::move(body)}}}};
  }
  return json::serialize(o);
}

namespace {

bool is_success(int status) { return status >= 200 && status < 300; }

chatwoot_error_kind kind_for_status(int status) {
  if (status == 401) return chatwoot_error_kind::unauthorized;
  if (status == 403) return chatwoot_error_kind::forbidden;
  if (status == 404) return chatwoot_error_kind::not_found;
  if (status == 429) return chatwoot_error_kind::rate_limited;
  if (status >= 500) return chatwoot_error_kind::server;
  return chatwoot_error_kind::invalid_request;
}

// Failures before a single byte of the request can have reached Chatwoot. A timeout, a
// closed connection or a TLS error may have happened after the request was written.
bool never_sent(client_error_kind kind) {
  switch (kind) {
    case client_error_kind::bad_url:
    case client_error_kind::insecure_scheme:
    case client_error_kind::resolve:
    case client_error_kind::connect:
    case client_error_kind::certificate:
      return true;
    default:
      return false;
  }
}

chatwoot_error own_error(chatwoot_error_kind kind, std::string message) {
  chatwoot_error e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

// Creating a message is the one call that must not be repeated blindly.
enum class call_mode { repeatable, create };

// One call: its deadline, whether an attempt is on the wire, and the last error.
struct call_state {
  steady_clock::time_point deadline;
  std::mutex mutex;
  std::string last_error;
  bool in_flight = false;

  void sending(bool on) {
    std::lock_guard lock(mutex);
    in_flight = on;
  }
  void note(const chatwoot_error& e) {
    std::lock_guard lock(mutex);
    last_error = std::string(to_string(e.kind)) + " " + std::to_string(e.http_status) + ": " + e.message;
  }
  std::pair<std::string, bool> at_deadline() {
    std::lock_guard lock(mutex);
    return {last_error, in_flight};
  }
};

template <class Value>
using parse_fn = std::function<std::variant<Value, chatwoot_parse_error>(std::string_view)>;

}  // namespace

struct chatwoot_client::impl : std::enable_shared_from_this<chatwoot_client::impl> {
  boost::asio::io_context& io;
  http_client& http;
  chatwoot_options options;

  impl(boost::asio::io_context& i, http_client& h, chatwoot_options o) : io(i), http(h), options(std::move(o)) {
    while (options.base_url.ends_with('/')) options.base_url.pop_back();
  }

  std::string account_url() const { return options.base_url + "/api/v1/accounts/" + std::to_string(options.account_id); }
  std::string conversation_url(domain::conversation_id c) const {
    return account_url() + "/conversations/" + std::to_string(c.value);
  }
  // Where some Chatwoot version refuses bot tokens (see chatwoot_options::user_token).
  const std::string& agent_token() const { return options.user_token.empty() ? options.api_token : options.user_token; }

  std::string hide_tokens(std::string text) const {
    return redact(redact(std::move(text), options.api_token), options.user_token);
  }

  template <class Value>
  void refuse(std::string message, std::function<void(chatwoot_result<Value>)> done) {
    boost::asio::post(io, [done = std::move(done), message = std::move(message)]() mutable {
      done(own_error(chatwoot_error_kind::invalid_request, std::move(message)));
    });
  }

  // What every call needs before it can be sent; empty when it can.
  std::string setup_problem(const std::string& token) const {
    if (options.account_id <= 0) return "no Chatwoot account id configured";
    if (token.empty()) return "no Chatwoot API token configured";
    return {};
  }

  // One Chatwoot request under the retry policy until `deadline`.
  template <class Value>
  void call(std::string method, std::string url, std::string body, const std::string& token, call_mode mode,
            steady_clock::time_point deadline, parse_fn<Value> parse, std::function<void(chatwoot_result<Value>)> done) {
    using result = chatwoot_result<Value>;
    auto state = std::make_shared<call_state>();
    state->deadline = deadline;
    auto shared_done = std::make_shared<std::function<void(result)>>(std::move(done));
    client_request prototype;
    prototype.method = std::move(method);
    prototype.url = std::move(url);
    prototype.headers = {{"api_access_token", token}, {"Accept", "application/json"}};
    if (prototype.method != "GET") prototype.headers.push_back({"Content-Type", "application/json; charset=utf-8"});
    prototype.body = std::move(body);

    retry_async(
        io, options.backoff, deadline,
        [self = shared_from_this(), state, prototype = std::move(prototype), mode, parse = std::move(parse),
         shared_done](int, attempt_report report) {
          auto finish = [state, report, shared_done](attempt_verdict verdict, result outcome) {
            if (auto* e = std::get_if<chatwoot_error>(&outcome)) state->note(*e);
            report(verdict, [shared_done, outcome = std::move(outcome)]() mutable { (*shared_done)(std::move(outcome)); });
          };
          client_request request = prototype;
          auto left = duration_cast<milliseconds>(state->deadline - steady_clock::now());
          request.timeout = std::clamp(left, milliseconds{1}, self->options.attempt_timeout);
          state->sending(true);
          self->http.send(std::move(request), [self, state, mode, parse, finish](client_result answer) {
            state->sending(false);
            bool create = mode == call_mode::create;
            if (auto* failure = std::get_if<client_error>(&answer)) {
              bool late = steady_clock::now() >= state->deadline;
              chatwoot_error e = own_error(late ? chatwoot_error_kind::deadline : chatwoot_error_kind::transport,
                                           self->hide_tokens(failure->message));
              if (create && !never_sent(failure->kind)) {
                // The request may have been written and Chatwoot may have stored it.
                e.may_have_landed = true;
                return finish(attempt_verdict::done, std::move(e));
              }
              // The client closed (the service is stopping): every later attempt fails at once.
              bool closing = failure->kind == client_error_kind::closed;
              return finish(late || closing ? attempt_verdict::done : attempt_verdict::retryable, std::move(e));
            }
            auto& response = std::get<client_response>(answer);
            if (is_success(response.status)) {
              auto parsed = parse(response.body);
              if (auto* value = std::get_if<Value>(&parsed)) return finish(attempt_verdict::done, std::move(*value));
              chatwoot_error e = own_error(chatwoot_error_kind::bad_response,
                                           "Chatwoot answered HTTP " + std::to_string(response.status) +
                                               " with an unreadable body: " + std::get<chatwoot_parse_error>(parsed).message);
              e.http_status = response.status;
              e.may_have_landed = create;  // it did: Chatwoot answered 2xx
              return finish(attempt_verdict::done, std::move(e));
            }
            chatwoot_error e;
            e.kind = kind_for_status(response.status);
            e.http_status = response.status;
            e.message = self->hide_tokens(chatwoot_json::error_message(response.body));
            if (e.message.empty()) e.message = "Chatwoot answered HTTP " + std::to_string(response.status);
            // Rack::Attack answers 429 before any controller runs, so even a create is safe
            // to repeat; a 5xx on a create may come after the message was saved.
            bool retryable = response.status == 429 ||
                             (!create && (response.status >= 500 || response.status == 408));
            e.may_have_landed = create && response.status >= 500;
            finish(retryable ? attempt_verdict::retryable : attempt_verdict::done, std::move(e));
          });
        },
        [state, mode, shared_done] {
          auto [last, in_flight] = state->at_deadline();
          chatwoot_error e = own_error(chatwoot_error_kind::deadline,
                                       "no answer from Chatwoot within the call's deadline" +
                                           (last.empty() ? std::string{} : "; last error: " + last));
          e.may_have_landed = mode == call_mode::create && in_flight;
          (*shared_done)(std::move(e));
        });
  }

  template <class Value>
  void call(std::string method, std::string url, std::string body, const std::string& token, call_mode mode,
            parse_fn<Value> parse, std::function<void(chatwoot_result<Value>)> done) {
    call<Value>(std::move(method), std::move(url), std::move(body), token, mode,
                steady_clock::now() + options.deadline, std::move(parse), std::move(done));
  }
};

namespace {

// list_messages: pages backwards (?before=<oldest id so far>) until it reaches `after`, an
// empty page or the page bound. Every page shares the call's deadline.
struct message_paging : std::enable_shared_from_this<message_paging> {
  std::shared_ptr<chatwoot_client::impl> client;
  std::string url;
  std::optional<std::int64_t> after;
  steady_clock::time_point deadline;
  std::function<void(chatwoot_result<std::vector<chatwoot_message>>)> done;
  std::vector<std::vector<chatwoot_message>> pages;  // newest page first
  std::optional<std::int64_t> before;

  void next() {
    std::string target = before ? url + "?before=" + std::to_string(*before) : url;
    client->call<chatwoot_message_page>(
        "GET", std::move(target), {}, client->agent_token(), call_mode::repeatable, deadline,
        chatwoot_json::parse_message_page, [self = shared_from_this()](chatwoot_result<chatwoot_message_page> r) {
          if (auto* e = std::get_if<chatwoot_error>(&r)) return self->done(std::move(*e));
          self->take(std::move(std::get<chatwoot_message_page>(r).messages));
        });
  }

  void take(std::vector<chatwoot_message> page) {
    if (page.empty()) return finish();
    std::int64_t oldest = page.front().id;
    for (const auto& m : page) oldest = std::min(oldest, m.id);
    if (before && oldest >= *before) {
      auto e = own_error(chatwoot_error_kind::bad_response,
                         "Chatwoot answered ?before=" + std::to_string(*before) + " with messages not before it");
      return done(std::move(e));
    }
    pages.push_back(std::move(page));
    if (after && oldest <= *after) return finish();
    if (static_cast<int>(pages.size()) >= std::max(client->options.max_message_pages, 1)) return finish();
    before = oldest;
    next();
  }

  void finish() {
    std::vector<chatwoot_message> out;
    std::set<std::int64_t> seen;
    for (auto page = pages.rbegin(); page != pages.rend(); ++page)
      for (auto& m : *page)
        if ((!after || m.id > *after) && seen.insert(m.id).second) out.push_back(std::move(m));
    done(std::move(out));
  }
};

}  // namespace

chatwoot_client::chatwoot_client(boost::asio::io_context& io, http_client& http, chatwoot_options options)
    : impl_(std::make_shared<impl>(io, http, std::move(options))) {}

chatwoot_client::~chatwoot_client() = default;

void chatwoot_client::send_message(domain::conversation_id conversation, chatwoot_outgoing_message message,
                                   std::function<void(chatwoot_result<chatwoot_created_message>)> done) {
  if (auto problem = impl_->setup_problem(impl_->options.api_token); !problem.empty())
    return impl_->refuse<chatwoot_created_message>("send message: " + problem, std::move(done));
  if (conversation.value <= 0)
    return impl_->refuse<chatwoot_created_message>("send message: no conversation id", std::move(done));
  if (auto problem = chatwoot_message_problem(message); !problem.empty())
    return impl_->refuse<chatwoot_created_message>("send message: " + problem, std::move(done));
  parse_fn<chatwoot_created_message> parse =
      [](std::string_view body) -> std::variant<chatwoot_created_message, chatwoot_parse_error> {
    auto parsed = chatwoot_json::parse_message(body);
    if (auto* e = std::get_if<chatwoot_parse_error>(&parsed)) return std::move(*e);
    const auto& m = std::get<chatwoot_message>(parsed);
    return chatwoot_created_message{m.id, m.created_at};
  };
  impl_->call<chatwoot_created_message>("POST", impl_->conversation_url(conversation) + "/messages",
                                        chatwoot_message_body(message), impl_->options.api_token, call_mode::create,
                                        std::move(parse), std::move(done));
}

void chatwoot_client::list_messages(domain::conversation_id conversation, std::optional<std::int64_t> after,
                                    std::function<void(chatwoot_result<std::vector<chatwoot_message>>)> done) {
  if (auto problem = impl_->setup_problem(impl_->agent_token()); !problem.empty())
    return impl_->refuse<std::vector<chatwoot_message>>("list messages: " + problem, std::move(done));
  if (conversation.value <= 0)
    return impl_->refuse<std::vector<chatwoot_message>>("list messages: no conversation id", std::move(done));
  auto paging = std::make_shared<message_paging>();
  paging->client = impl_;
  paging->url = impl_->conversation_url(conversation) + "/messages";
  paging->after = after;
  paging->deadline = steady_clock::now() + impl_->options.deadline;
  paging->done = std::move(done);
  paging->next();
}

void chatwoot_client::get_labels(domain::conversation_id conversation,
                                 std::function<void(chatwoot_result<std::vector<std::string>>)> done) {
  if (auto problem = impl_->setup_problem(impl_->agent_token()); !problem.empty())
    return impl_->refuse<std::vector<std::string>>("get labels: " + problem, std::move(done));
  if (conversation.value <= 0)
    return impl_->refuse<std::vector<std::string>>("get labels: no conversation id", std::move(done));
  impl_->call<std::vector<std::string>>("GET", impl_->conversation_url(conversation) + "/labels", {},
                                        impl_->agent_token(), call_mode::repeatable, chatwoot_json::parse_labels,
                                        std::move(done));
}

void chatwoot_client::set_labels(domain::conversation_id conversation, std::vector<std::string> labels,
                                 std::function<void(chatwoot_result<std::vector<std::string>>)> done) {
  if (auto problem = impl_->setup_problem(impl_->agent_token()); !problem.empty())
    return impl_->refuse<std::vector<std::string>>("set labels: " + problem, std::move(done));
  if (conversation.value <= 0)
    return impl_->refuse<std::vector<std::string>>("set labels: no conversation id", std::move(done));
  json::array list;
  for (auto& label : labels) list.emplace_back(std::move(label));
  std::string body = json::serialize(json::object{{"labels", std::move(list)}});
  impl_->call<std::vector<std::string>>("POST", impl_->conversation_url(conversation) + "/labels", std::move(body),
                                        impl_->agent_token(), call_mode::repeatable, chatwoot_json::parse_labels,
                                        std::move(done));
}

void chatwoot_client::toggle_status(domain::conversation_id conversation, chatwoot_status status,
                                    std::function<void(chatwoot_result<chatwoot_status>)> done) {
  if (auto problem = impl_->setup_problem(impl_->options.api_token); !problem.empty())
    return impl_->refuse<chatwoot_status>("toggle status: " + problem, std::move(done));
  if (conversation.value <= 0) return impl_->refuse<chatwoot_status>("toggle status: no conversation id", std::move(done));
  if (status == chatwoot_status::unknown)
    return impl_->refuse<chatwoot_status>("toggle status: no status to set", std::move(done));
  std::string body = json::serialize(json::object{{"status", to_string(status)}});
  impl_->call<chatwoot_status>("POST", impl_->conversation_url(conversation) + "/toggle_status", std::move(body),
                               impl_->options.api_token, call_mode::repeatable, chatwoot_json::parse_toggle_status,
                               std::move(done));
}

void chatwoot_client::set_conversation_attributes(domain::conversation_id conversation, chatwoot_attributes attributes,
                                                  std::function<void(chatwoot_result<chatwoot_attributes>)> done) {
  if (auto problem = impl_->setup_problem(impl_->options.api_token); !problem.empty())
    return impl_->refuse<chatwoot_attributes>("set conversation attributes: " + problem, std::move(done));
  if (conversation.value <= 0)
    return impl_->refuse<chatwoot_attributes>("set conversation attributes: no conversation id", std::move(done));
  json::object map;
  for (auto& [key, value] : attributes) map[key] = std::move(value);
  std::string body = json::serialize(json::object{{"custom_attributes", std::move(map)}});
  impl_->call<chatwoot_attributes>("POST", impl_->conversation_url(conversation) + "/custom_attributes",
                                   std::move(body), impl_->options.api_token, call_mode::repeatable,
                                   chatwoot_json::parse_custom_attributes, std::move(done));
}

void chatwoot_client::update_contact(std::int64_t contact_id, chatwoot_contact_update update,
                                     std::function<void(chatwoot_result<chatwoot_sender>)> done) {
  if (auto problem = impl_->setup_problem(impl_->agent_token()); !problem.empty())
    return impl_->refuse<chatwoot_sender>("update contact: " + problem, std::move(done));
  if (contact_id <= 0) return impl_->refuse<chatwoot_sender>("update contact: no contact id", std::move(done));
  json::object o;
  if (update.name) o["name"] = *update.name;
  if (update.email) o["email"] = *update.email;
  if (update.phone_number) o["phone_number"] = *update.phone_number;
  if (!update.custom_attributes.empty()) {
    json::object map;
    for (auto& [key, value] : update.custom_attributes) map[key] = std::move(value);
    o["custom_attributes"] = std::move(map);
  }
  if (o.empty()) return impl_->refuse<chatwoot_sender>("update contact: nothing to update", std::move(done));
  impl_->call<chatwoot_sender>("PUT", impl_->account_url() + "/contacts/" + std::to_string(contact_id),
                               json::serialize(o), impl_->agent_token(), call_mode::repeatable,
                               chatwoot_json::parse_contact, std::move(done));
}

void chatwoot_client::list_conversations(chatwoot_status status, int page,
                                         std::function<void(chatwoot_result<std::vector<chatwoot_conversation>>)> done) {
  if (auto problem = impl_->setup_problem(impl_->agent_token()); !problem.empty())
    return impl_->refuse<std::vector<chatwoot_conversation>>("list conversations: " + problem, std::move(done));
  if (status == chatwoot_status::unknown || page < 1)
    return impl_->refuse<std::vector<chatwoot_conversation>>("list conversations: no status or page", std::move(done));
  auto url = impl_->account_url() + "/conversations?status=" + std::string(to_string(status)) +
             "&page=" + std::to_string(page);
  impl_->call<std::vector<chatwoot_conversation>>("GET", std::move(url), {}, impl_->agent_token(), call_mode::repeatable,
                                                  chatwoot_json::parse_conversation_list, std::move(done));
}

void chatwoot_client::get_conversation(domain::conversation_id conversation,
                                       std::function<void(chatwoot_result<chatwoot_conversation>)> done) {
  if (auto problem = impl_->setup_problem(impl_->agent_token()); !problem.empty())
    return impl_->refuse<chatwoot_conversation>("get conversation: " + problem, std::move(done));
  if (conversation.value <= 0)
    return impl_->refuse<chatwoot_conversation>("get conversation: no conversation id", std::move(done));
  impl_->call<chatwoot_conversation>("GET", impl_->conversation_url(conversation), {}, impl_->agent_token(),
                                     call_mode::repeatable, chatwoot_json::parse_conversation, std::move(done));
}

}  // namespace tutorbot::net
