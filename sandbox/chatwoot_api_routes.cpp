// The Chatwoot Application API routes tutorbot uses, with Chatwoot's authentication order:
// api_access_token (devise's sign-in answer without one, "Invalid Access Token" for an
// unknown one), then the agent bot's allowed endpoints, then the account, then the
// conversation or contact.
#include <cctype>

#include <boost/json/parse.hpp>

#include "net/form.hpp"
#include "sandbox/chatwoot_sandbox_impl.hpp"

namespace tutorbot::sandbox {

namespace json = boost::json;
using chatwoot::sender_kind;

namespace {

// A path id: digits only, else nullopt (Chatwoot's find answers 404 for it).
std::optional<std::int64_t> id_of(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  return std::stoll(text);
}

// Rails' nested form keys, as far as these endpoints take them: `labels[]=a` and
// `custom_attributes[key]=value`.
void add_form_field(json::object& params, const std::string& key, const std::string& value) {
  const auto open = key.find('[');
  if (open == std::string::npos || key.back() != ']') {
    params[key] = value;
    return;
  }
  const auto base = key.substr(0, open);
  const auto inner = key.substr(open + 1, key.size() - open - 2);
  if (inner.empty()) {
    if (!params[base].is_array()) params[base] = json::array{};
    params[base].as_array().emplace_back(value);
  } else {
    if (!params[base].is_object()) params[base] = json::object{};
    params[base].as_object()[inner] = value;
  }
}

// Query parameters with the body's over them (Rails merges both into params); nullopt for
// a JSON body that does not parse, which Rails answers 400.
std::optional<json::object> request_params(const net::server_request& request) {
  json::object params;
  for (const auto& [key, value] : net::parse_form(request.query)) add_form_field(params, key, value);
  const auto first = request.body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return params;
  const auto content_type = request.header("Content-Type").value_or("");
  if (content_type.find("json") != std::string::npos || request.body[first] == '{') {
    boost::system::error_code ec;
    auto parsed = json::parse(request.body, ec);
    if (ec || !parsed.is_object()) return std::nullopt;
    for (auto& field : parsed.as_object()) params[field.key()] = field.value();
    return params;
  }
  for (const auto& [key, value] : net::parse_form(request.body)) add_form_field(params, key, value);
  return params;
}

}  // namespace

void chatwoot_sandbox::impl::api_call(const net::server_request& request, const net::respond_fn& respond,
                                      bool bot_allowed, const api_work& work_fn) {
  std::vector<chatwoot::pending_webhook> made;
  std::string owner = "none";
  auto response = [&]() -> net::server_response {
    {
      std::lock_guard lock(mutex);
      if (failures_left > 0) {
        --failures_left;
        owner = "fault";
        return failure_status == 429
                   ? net::server_response::text(429, "Retry later\n", "text/plain")
                   : chatwoot::json_response(failure_status,
                                             json::object{{"status", failure_status}, {"error", "Internal Server Error"}});
      }
    }
    // Rack folds `api_access_token` and `Api-Access-Token` into the same header.
    auto token = request.header("api_access_token");
    if (!token) token = request.header("api-access-token");
    if (!token || token->empty()) return chatwoot::error_response(chatwoot::sign_in_required());
    chatwoot::sender_ref by;
    // One token configured as both stays the bot's (its messages come from the agent bot)
    // with an agent's reach.
    const bool bot_is_agent = options.user_token == options.bot_token;
    if (!options.bot_token.empty() && *token == options.bot_token) {
      owner = "bot";
      by = {sender_kind::agent_bot, store.settings().bot_id};
    } else if (!options.user_token.empty() && *token == options.user_token) {
      owner = "user";
      by = {sender_kind::user, store.settings().user_id};
    } else {
      owner = "invalid";
      return chatwoot::error_response(chatwoot::unauthorized("Invalid Access Token"));
    }
    if (by.kind == sender_kind::agent_bot && !bot_allowed && !bot_is_agent)
      return chatwoot::error_response(chatwoot::unauthorized("Access to this endpoint is not authorized for bots"));
    const auto account = id_of(request.path_params.at("account_id"));
    if (!account || *account != options.account_id) return chatwoot::error_response(chatwoot::not_found());
    const auto params = request_params(request);
    if (!params) return chatwoot::json_response(400, json::object{{"status", 400}, {"error", "Bad Request"}});
    auto outcome = locked([&](chatwoot::instant now) { return work_fn(request, *params, by, now); }, made);
    if (auto* error = std::get_if<chatwoot::api_error>(&outcome)) return chatwoot::error_response(*error);
    return chatwoot::json_response(200, std::get<json::value>(outcome));
  }();
  {
    std::lock_guard lock(mutex);
    calls.push_back({request.method, request.target, request.body, response.status, owner,
                     chatwoot::unix_seconds(now_locked())});
  }
  deliver(std::move(made));
  answer(respond, std::move(response));
}

void chatwoot_sandbox::impl::add_api_routes(net::router& routes, const std::shared_ptr<impl>& self) {
  // bot_allowed mirrors AccessTokenAuthHelper::BOT_ACCESSIBLE_ENDPOINTS of current Chatwoot.
  auto add = [&](const std::string& method, const std::string& pattern, bool bot_allowed, api_work work_fn) {
    routes.add(method, pattern, [self, bot_allowed, work_fn](net::server_request&& request, net::respond_fn respond) {
      self->api_call(request, respond, bot_allowed, work_fn);
    });
  };
  // Conversations are found by display id; an id that is not a number finds nothing.
  using work_on = std::function<chatwoot::result(std::int64_t, const json::object&, chatwoot::sender_ref,
                                                 chatwoot::instant)>;
  auto on_conversation = [](work_on work_fn) -> api_work {
    return [work_fn](const net::server_request& request, const json::object& params, chatwoot::sender_ref by,
                     chatwoot::instant now) -> chatwoot::result {
      const auto id = id_of(request.path_params.at("conversation_id"));
      if (!id) return chatwoot::not_found();
      return work_fn(*id, params, by, now);
    };
  };
  const std::string conversation = "/api/v1/accounts/{account_id}/conversations/{conversation_id}";

  add("GET", "/api/v1/accounts/{account_id}/conversations", false,
      [self](const net::server_request&, const json::object& p, chatwoot::sender_ref, chatwoot::instant now) -> chatwoot::result {
        const auto* status = p.if_contains("status");
        const auto* page = p.if_contains("page");
        int page_number = 1;
        if (page && page->is_string()) page_number = static_cast<int>(std::max<long long>(1, std::atoll(page->as_string().c_str())));
        if (page && page->is_int64()) page_number = static_cast<int>(std::max<std::int64_t>(1, page->as_int64()));
        return self->store.list_conversations(status && status->is_string() ? std::string(status->as_string()) : "",
                                              page_number, now);
      });
  add("GET", conversation, true,
      on_conversation([self](std::int64_t id, const json::object&, chatwoot::sender_ref, chatwoot::instant now) {
        return self->store.show_conversation(id, now);
      }));
  add("POST", conversation + "/messages", true,
      on_conversation([self](std::int64_t id, const json::object& p, chatwoot::sender_ref by, chatwoot::instant now) {
        return self->store.create_message(id, p, by, now);
      }));
  add("GET", conversation + "/messages", false,
      on_conversation([self](std::int64_t id, const json::object& p, chatwoot::sender_ref, chatwoot::instant) {
        auto text = [&](const char* key) -> std::optional<std::string> {
          const auto* v = p.if_contains(key);
          if (v && v->is_string()) return std::string(v->as_string());
          if (v && v->is_int64()) return std::to_string(v->as_int64());
          return std::nullopt;
        };
        return self->store.list_messages(id, text("after"), text("before"));
      }));
  add("GET", conversation + "/labels", false,
      on_conversation([self](std::int64_t id, const json::object&, chatwoot::sender_ref, chatwoot::instant) {
        return self->store.labels(id);
      }));
  add("POST", conversation + "/labels", false,
      on_conversation([self](std::int64_t id, const json::object& p, chatwoot::sender_ref by, chatwoot::instant now) {
        return self->store.set_labels(id, p, by, now);
      }));
  add("POST", conversation + "/toggle_status", true,
      on_conversation([self](std::int64_t id, const json::object& p, chatwoot::sender_ref by, chatwoot::instant now) {
        return self->store.toggle_status(id, p, by, now);
      }));
  add("POST", conversation + "/custom_attributes", true,
      on_conversation([self](std::int64_t id, const json::object& p, chatwoot::sender_ref, chatwoot::instant now) {
        return self->store.set_custom_attributes(id, p, now);
      }));

  auto update_contact = [self](const net::server_request& request, const json::object& p, chatwoot::sender_ref,
                               chatwoot::instant now) -> chatwoot::result {
    const auto id = id_of(request.path_params.at("contact_id"));
    if (!id) return chatwoot::not_found();
    return self->store.update_contact(*id, p, now);
  };
  add("PUT", "/api/v1/accounts/{account_id}/contacts/{contact_id}", false, update_contact);
  add("PATCH", "/api/v1/accounts/{account_id}/contacts/{contact_id}", false, update_contact);
}

}  // namespace tutorbot::sandbox
