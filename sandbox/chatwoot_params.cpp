#include "sandbox/chatwoot_params.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include <boost/json/serialize.hpp>

namespace tutorbot::sandbox::chatwoot {

namespace json = boost::json;

std::optional<std::string> text_param(const json::object& params, std::string_view key) {
  const auto* v = params.if_contains(key);
  if (!v || v->is_null() || v->is_object() || v->is_array()) return std::nullopt;
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

bool blank(const std::optional<std::string>& text) {
  return !text || text->find_first_not_of(" \t\r\n") == std::string::npos;
}

bool rails_boolean(const json::object& params, std::string_view key) {
  const auto* v = params.if_contains(key);
  if (!v || v->is_null()) return false;
  if (v->is_bool()) return v->as_bool();
  const auto text = text_param(params, key);
  if (blank(text)) return false;
  static constexpr std::array<std::string_view, 7> falsy = {"0", "f", "F", "false", "FALSE", "off", "OFF"};
  return std::find(falsy.begin(), falsy.end(), *text) == falsy.end();
}

std::int64_t rails_to_i(const std::string& text) {
  std::size_t i = text.find_first_not_of(" \t\r\n");
  if (i == std::string::npos) return 0;
  bool negative = false;
  if (text[i] == '-' || text[i] == '+') negative = text[i++] == '-';
  std::int64_t value = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    if (value > (INT64_MAX - 9) / 10) break;
    value = value * 10 + (text[i] - '0');
  }
  return negative ? -value : value;
}

std::string lower_trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  for (auto& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

bool valid_email(const std::string& email) {
  const auto at = email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == email.size()) return false;
  if (email.find('@', at + 1) != std::string::npos) return false;
  return std::none_of(email.begin(), email.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

bool valid_e164(const std::string& phone) {
  if (phone.size() < 3 || phone.size() > 16 || phone[0] != '+' || phone[1] < '1' || phone[1] > '9') return false;
  return std::all_of(phone.begin() + 1, phone.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace tutorbot::sandbox::chatwoot
