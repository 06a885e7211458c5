// The account's generic parts: events, lookups, lists and expand[].
#include "sandbox/stripe_store.hpp"

#include <algorithm>

#include "sandbox/stripe_objects.hpp"

namespace tutorbot::sandbox::stripe {

namespace json = boost::json;

namespace {

// Stripe lets a caller expand at most four levels deep.
constexpr int max_expand_depth = 4;

api_error cannot_expand(const std::string& path) {
  return invalid_param("expand", "This property cannot be expanded (" + path + ").");
}

// "checkout.session.*" matches every checkout.session event, as Stripe's type filter does.
bool type_matches(const std::string& pattern, const std::string& type) {
  if (pattern.ends_with("*")) return type.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == type;
}

}  // namespace

stripe_store::stripe_store(std::string api_version, std::optional<std::uint64_t> seed)
    : api_version_(std::move(api_version)), ids_(seed) {}

void stripe_store::emit(std::string type, const json::object& object, const request_origin& origin, sys_seconds now,
                        json::object previous_attributes) {
  event_fields f;
  f.id = ids_.make("evt_");
  f.type = std::move(type);
  f.api_version = api_version_;
  f.created = now;
  f.object = object;
  f.previous_attributes = std::move(previous_attributes);
  f.request_id = origin.id;
  f.idempotency_key = origin.idempotency_key;
  f.pending_webhooks = webhook_endpoints_;
  event_index_[f.id] = events_.size();
  events_.push_back(make_event(f));
}

std::vector<json::object> stripe_store::take_new_events() {
  std::vector<json::object> out(events_.begin() + static_cast<std::ptrdiff_t>(undelivered_from_), events_.end());
  undelivered_from_ = events_.size();
  return out;
}

void stripe_store::webhook_delivered(const std::string& event_id) {
  if (auto it = event_index_.find(event_id); it != event_index_.end()) events_[it->second]["pending_webhooks"] = 0;
}

const json::object* stripe_store::find_object(const std::string& id) const {
  if (auto it = sessions_.find(id); it != sessions_.end()) return &it->second.resource;
  if (auto it = payment_intents_.find(id); it != payment_intents_.end()) return &it->second;
  if (auto it = charges_.find(id); it != charges_.end()) return &it->second;
  if (auto it = refunds_.find(id); it != refunds_.end()) return &it->second;
  if (auto it = event_index_.find(id); it != event_index_.end()) return &events_[it->second];
  return nullptr;
}

std::optional<json::object> stripe_store::find(const std::string& id) const {
  if (const auto* found = find_object(id)) return *found;
  return std::nullopt;
}

result stripe_store::refund(const std::string& id) const {
  if (auto it = refunds_.find(id); it != refunds_.end()) return it->second;
  return no_such("refund", id, "id", 404);
}

result stripe_store::payment_intent(const std::string& id) const {
  if (auto it = payment_intents_.find(id); it != payment_intents_.end()) return it->second;
  return no_such("payment_intent", id, "intent", 404);
}

result stripe_store::charge(const std::string& id) const {
  if (auto it = charges_.find(id); it != charges_.end()) return it->second;
  return no_such("charge", id, "id", 404);
}

result stripe_store::event(const std::string& id) const {
  if (auto it = event_index_.find(id); it != event_index_.end()) return events_[it->second];
  return no_such("event", id, "id", 404);
}

result stripe_store::list_events(const json::object& raw) const {
  try {
    params p(raw);
    p.only({"created", "delivery_success", "ending_before", "expand", "limit", "starting_after", "type", "types"});
    const auto type = p.text("type");
    const auto types = p.text_list("types");
    if (type && !types.empty())
      return invalid_param("types", "You may only specify one of these parameters: type, types.");
    if (types.size() > 20) return invalid_param("types", "You may pass at most 20 types.");
    std::vector<const json::object*> matching;
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      const std::string event_type(it->at("type").as_string());
      if (type && !type_matches(*type, event_type)) continue;
      if (!types.empty() && std::none_of(types.begin(), types.end(),
                                         [&](const std::string& t) { return type_matches(t, event_type); }))
        continue;
      if (!created_matches(p, it->at("created").as_int64())) continue;
      matching.push_back(&*it);
    }
    return list_page(matching, p, "/v1/events", "event");
  } catch (const param_error& e) {
    return e.error;
  }
}

result list_page(const std::vector<const json::object*>& newest_first, const params& p, const std::string& url,
                 std::string_view kind) {
  const auto limit = p.integer("limit").value_or(10);
  if (limit < 1) return invalid_param("limit", "This value must be greater than or equal to 1.");
  if (limit > 100) return invalid_param("limit", "This value must be less than or equal to 100.");
  const auto after = p.text("starting_after");
  const auto before = p.text("ending_before");
  if (after && before)
    return invalid_param("ending_before", "You may only specify one of these parameters: ending_before, starting_after.");
  auto position = [&](const std::string& id) {
    return std::find_if(newest_first.begin(), newest_first.end(),
                        [&](const json::object* o) { return o->at("id").as_string() == id; });
  };
  auto first = newest_first.begin();
  auto last = newest_first.end();
  if (after) {
    auto it = position(*after);
    if (it == newest_first.end()) return no_such(kind, *after, "starting_after", 400);
    first = it + 1;
  } else if (before) {
    auto it = position(*before);
    if (it == newest_first.end()) return no_such(kind, *before, "ending_before", 400);
    last = it;
    if (last - first > limit) first = last - limit;  // the items just before the cursor
  }
  json::array data;
  auto end = last - first > limit ? first + limit : last;
  for (auto it = first; it != end; ++it) data.push_back(**it);
  const bool has_more = before ? first != newest_first.begin() : end != last;
  return make_list(std::move(data), has_more, url);
}

bool created_matches(const params& p, std::int64_t created) {
  if (!p.has("created")) return true;
  if (p.object().at("created").is_string()) return created == p.integer("created");
  const auto range = p.required_child("created");
  range.only({"gt", "gte", "lt", "lte"});
  if (auto v = range.integer("gt"); v && !(created > *v)) return false;
  if (auto v = range.integer("gte"); v && !(created >= *v)) return false;
  if (auto v = range.integer("lt"); v && !(created < *v)) return false;
  if (auto v = range.integer("lte"); v && !(created <= *v)) return false;
  return true;
}

result stripe_store::expand(json::object answer, const std::vector<std::string>& paths) const {
  json::value value(std::move(answer));
  for (const auto& path : paths) {
    if (auto error = expand_value(value, path, 0, 1)) return *error;
  }
  return std::move(value.as_object());
}

std::optional<api_error> stripe_store::expand_value(json::value& value, const std::string& path, std::size_t from,
                                                    int depth) const {
  if (from >= path.size()) return std::nullopt;
  if (depth > max_expand_depth) return cannot_expand(path);
  if (!value.is_object()) return cannot_expand(path);
  auto& object = value.as_object();
  const auto dot = path.find('.', from);
  const std::string field = path.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
  const std::size_t next = dot == std::string::npos ? path.size() : dot + 1;
  // A list's items expand through data.<field>, as Stripe spells it.
  if (field == "data" && object.if_contains("object") && object.at("object") == "list") {
    for (auto& item : object.at("data").as_array())
      if (auto error = expand_value(item, path, next, depth)) return error;
    return std::nullopt;
  }
  // line_items is an includable property of a session: there only when asked for.
  if (field == "line_items" && object.if_contains("object") && object.at("object") == "checkout.session") {
    auto items = session_line_items(std::string(object.at("id").as_string()), json::object{});
    if (auto* list = std::get_if<json::object>(&items)) object["line_items"] = std::move(*list);
  }
  auto* target = object.if_contains(field);
  if (!target) return cannot_expand(path);
  if (target->is_string()) {
    const auto* found = find_object(std::string(target->as_string()));
    if (!found) return cannot_expand(path);
    *target = *found;
  }
  if (target->is_null()) return std::nullopt;
  if (!target->is_object()) return cannot_expand(path);
  return expand_value(*target, path, next, depth + 1);
}

}  // namespace tutorbot::sandbox::stripe
