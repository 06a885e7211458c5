#include "net/http_message.hpp"

#include <algorithm>
#include <cctype>

#include <boost/beast/core/string.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "net/form.hpp"
#include "net/hex.hpp"

namespace tutorbot::net {
namespace {

using boost::beast::iequals;
constexpr auto hex_value = hex_digit_value;

}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> server_request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::optional<std::string> server_request::query_param(std::string_view name) const {
  const auto fields = parse_form(query);
  if (const auto* value = find_field(fields, name)) return *value;
  return std::nullopt;
}

server_response server_response::error(int status, std::string_view code, std::string_view message) {
  boost::json::object body;
  body["error"] = code;
  body["message"] = message;
  return json(status, boost::json::serialize(body));
}

server_response server_response::json(int status, std::string body) {
  return server_response{status, "application/json", {}, std::move(body)};
}

server_response server_response::text(int status, std::string body, std::string content_type) {
  return server_response{status, std::move(content_type), {}, std::move(body)};
}

}  // namespace tutorbot::net
