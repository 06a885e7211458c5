#include "sandbox/chatwoot_protocol.hpp"

#include <cstdio>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "domain/instant.hpp"

namespace tutorbot::sandbox::chatwoot {

namespace json = boost::json;

api_error unauthorized(std::string_view message) { return {401, json::object{{"error", message}}}; }

api_error sign_in_required() {
  return {401, json::object{{"errors", json::array{"You need to sign in or sign up before continuing."}}}};
}

api_error not_found() { return {404, json::object{{"error", "Resource could not be found"}}}; }

api_error could_not_create(std::string_view message) { return {422, json::object{{"error", message}}}; }

api_error record_invalid(const std::vector<std::string>& messages, const std::vector<std::string>& attributes) {
  std::string joined;
  for (const auto& m : messages) joined += (joined.empty() ? "" : ", ") + m;
  json::array names;
  for (const auto& a : attributes) names.emplace_back(a);
  return {422, json::object{{"message", joined}, {"attributes", std::move(names)}}};
}

net::server_response error_response(const api_error& error) { return json_response(error.status, error.body); }

net::server_response json_response(int status, const json::value& body) {
  // Rails answers application/json; charset=utf-8.
  net::server_response r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = json::serialize(body);
  return r;
}

std::string iso_millis(instant t) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  const auto millis = (t - seconds).count();
  auto text = domain::rfc3339(seconds);  // "…T18:02:48Z"
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>(millis));
  text.insert(text.size() - 1, fraction);
  return text;
}

std::int64_t unix_seconds(instant t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

double unix_float(instant t) { return static_cast<double>(t.time_since_epoch().count()) / 1000.0; }

std::string new_uuid(std::mt19937_64& random) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    int digit = static_cast<int>(random() % 16);
    if (i == 12) digit = 4;                // version 4
    if (i == 16) digit = 8 | (digit & 3);  // RFC 4122 variant
    if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
    out.push_back(hex[digit]);
  }
  return out;
}

std::string new_wamid(std::mt19937_64& random) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out = "wamid.HBgL";
  for (int i = 0; i < 48; ++i) out.push_back(alphabet[random() % 62]);
  return out;
}

}  // namespace tutorbot::sandbox::chatwoot
