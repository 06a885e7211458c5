#include "sandbox/stripe_params.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include <boost/json/array.hpp>

namespace tutorbot::sandbox::stripe {

namespace json = boost::json;

namespace {

// "a[b][0][]" → {"a", "b", "0", ""}; a key with unbalanced brackets is one plain name.
std::vector<std::string> split_key(const std::string& key) {
  const auto open = key.find('[');
  if (open == std::string::npos || open == 0) return {key};
  std::vector<std::string> parts{key.substr(0, open)};
  std::size_t pos = open;
  while (pos < key.size()) {
    if (key[pos] != '[') return {key};
    const auto close = key.find(']', pos);
    if (close == std::string::npos) return {key};
    parts.push_back(key.substr(pos + 1, close - pos - 1));
    pos = close + 1;
  }
  return parts;
}

std::string printed(const std::vector<std::string>& parts, std::size_t count) {
  std::string out = parts[0];
  for (std::size_t i = 1; i < count; ++i) out += "[" + parts[i] + "]";
  return out;
}

api_error conflict(const std::vector<std::string>& parts, std::size_t count, const json::value& existing) {
  return invalid_param(printed(parts, count), existing.is_string() ? "Invalid hash" : "Invalid string");
}

// Places `value` at parts[i..] below `slot`, Rack-style: `[]` appends to an array, and a
// `[]` followed by a key starts a new hash unless the last one lacks that key.
std::optional<api_error> place(json::value& slot, const std::vector<std::string>& parts, std::size_t i,
                               const std::string& value) {
  if (i == parts.size()) {
    if (slot.is_null() || slot.is_string()) {
      slot = value;
      return std::nullopt;
    }
    return conflict(parts, i, slot);
  }
  const std::string& segment = parts[i];
  if (segment.empty()) {
    if (slot.is_null()) slot = json::array{};
    if (!slot.is_array()) return invalid_param(printed(parts, i), "Invalid array");
    auto& array = slot.as_array();
    if (i + 1 < parts.size() && !array.empty() && array.back().is_object() &&
        !array.back().as_object().contains(parts[i + 1]))
      return place(array.back(), parts, i + 1, value);
    array.emplace_back(nullptr);
    return place(array.back(), parts, i + 1, value);
  }
  if (slot.is_null()) slot = json::object{};
  if (!slot.is_object()) return conflict(parts, i, slot);
  return place(slot.as_object()[segment], parts, i + 1, value);
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::variant<json::object, api_error> decode_params(const net::form_fields& fields) {
  json::value root = json::object{};
  for (const auto& [key, value] : fields) {
    if (key.empty()) continue;
    auto parts = split_key(key);
    if (auto error = place(root.as_object()[parts[0]], parts, 1, value)) return *error;
  }
  return std::move(root.as_object());
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (!all_digits(text) || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return negative ? -value : value;
}

std::string params::name(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "[" + std::string(key) + "]";
}

const json::value* params::find(std::string_view key) const { return object_->if_contains(key); }

bool params::has(std::string_view key) const {
  const auto* v = find(key);
  return v && !(v->is_string() && v->as_string().empty()) && !v->is_null();
}

void params::only(std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : *object_) {
    if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end())
      throw param_error{parameter_unknown(name(key))};
  }
}

std::optional<std::string> params::text(std::string_view key) const {
  const auto* v = find(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) throw param_error{invalid_param(name(key), "Invalid string: " + name(key) + " is a hash")};
  if (v->as_string().empty()) return std::nullopt;
  return std::string(v->as_string());
}

std::string params::required_text(std::string_view key) const {
  auto v = text(key);
  if (!v) throw param_error{parameter_missing(name(key))};
  return *v;
}

std::optional<std::int64_t> params::integer(std::string_view key) const {
  auto v = text(key);
  if (!v) return std::nullopt;
  auto n = parse_integer(*v);
  if (!n) throw param_error{invalid_integer(name(key), *v)};
  return n;
}

std::int64_t params::required_integer(std::string_view key) const {
  auto v = integer(key);
  if (!v) throw param_error{parameter_missing(name(key))};
  return *v;
}

std::optional<bool> params::boolean(std::string_view key) const {
  auto v = text(key);
  if (!v) return std::nullopt;
  if (*v == "true") return true;
  if (*v == "false") return false;
  throw param_error{invalid_param(name(key), "Invalid boolean: " + *v)};
}

std::optional<params> params::child(std::string_view key) const {
  const auto* v = find(key);
  if (!v || v->is_null() || (v->is_string() && v->as_string().empty())) return std::nullopt;
  if (!v->is_object()) throw param_error{invalid_param(name(key), "Invalid hash")};
  return params(v->as_object(), name(key));
}

params params::required_child(std::string_view key) const {
  auto v = child(key);
  if (!v) throw param_error{parameter_missing(name(key))};
  return *v;
}

std::vector<std::pair<std::string, const json::value*>> params::items(std::string_view key) const {
  std::vector<std::pair<std::string, const json::value*>> out;
  const auto* v = find(key);
  if (!v || v->is_null() || (v->is_string() && v->as_string().empty())) return out;
  if (v->is_array()) {
    for (std::size_t i = 0; i < v->as_array().size(); ++i) out.emplace_back(std::to_string(i), &v->as_array()[i]);
    return out;
  }
  if (!v->is_object()) throw param_error{invalid_param(name(key), "Invalid array")};
  for (const auto& [index, item] : v->as_object()) {
    if (!all_digits(index)) throw param_error{invalid_param(name(key), "Invalid array")};
    out.emplace_back(std::string(index), &item);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.first.size() != b.first.size() ? a.first.size() < b.first.size() : a.first < b.first;
  });
  return out;
}

std::vector<params> params::child_list(std::string_view key) const {
  std::vector<params> out;
  for (const auto& [index, item] : items(key)) {
    const std::string item_name = name(key) + "[" + index + "]";
    if (!item->is_object()) throw param_error{invalid_param(item_name, "Invalid hash")};
    out.emplace_back(item->as_object(), item_name);
  }
  return out;
}

std::vector<std::string> params::text_list(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [index, item] : items(key)) {
    if (!item->is_string())
      throw param_error{invalid_param(name(key) + "[" + index + "]", "Invalid string: expected a string")};
    out.emplace_back(item->as_string());
  }
  return out;
}

json::object params::metadata(std::string_view key) const {
  json::object out;
  auto hash = child(key);
  if (!hash) return out;
  if (hash->object().size() > 50)
    throw param_error{invalid_param(name(key), "Metadata can have up to 50 keys, but you passed in " +
                                                   std::to_string(hash->object().size()) + " keys.")};
  for (const auto& [k, v] : hash->object()) {
    if (k.size() > 40)
      throw param_error{invalid_param(hash->name(k), "Metadata keys can have up to 40 characters, but you passed in "
                                                     "a key that is " + std::to_string(k.size()) + " characters.")};
    if (!v.is_string()) throw param_error{invalid_param(hash->name(k), "Invalid string: metadata values are strings")};
    if (v.as_string().size() > 500)
      throw param_error{invalid_param(
          hash->name(k), "Metadata values can have up to 500 characters, but you passed in a value that is " +
                             std::to_string(v.as_string().size()) + " characters.")};
    if (!v.as_string().empty()) out[k] = v.as_string();
  }
  return out;
}

}  // namespace tutorbot::sandbox::stripe
