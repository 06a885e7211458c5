#include "sandbox/stripe_protocol.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include <boost/json/serialize.hpp>

namespace tutorbot::sandbox::stripe {

api_error parameter_missing(const std::string& param) {
  api_error e;
  e.code = "parameter_missing";
  e.message = "Missing required param: " + param + ".";
  e.param = param;
  return e;
}

api_error parameter_unknown(const std::string& param) {
  api_error e;
  e.code = "parameter_unknown";
  e.message = "Received unknown parameter: " + param;
  e.param = param;
  return e;
}

api_error invalid_integer(const std::string& param, std::string_view value) {
  api_error e;
  e.code = "parameter_invalid_integer";
  e.message = "Invalid integer: " + std::string(value);
  e.param = param;
  return e;
}

api_error invalid_param(const std::string& param, std::string message) {
  api_error e;
  e.message = std::move(message);
  e.param = param;
  return e;
}

api_error no_such(std::string_view kind, std::string_view id, const std::string& param, int status) {
  api_error e;
  e.status = status;
  e.code = "resource_missing";
  e.message = "No such " + std::string(kind) + ": '" + std::string(id) + "'";
  e.param = param;
  return e;
}

api_error missing_api_key() {
  api_error e;
  e.status = 401;
  e.message =
      "You did not provide an API key. You need to provide your API key in the Authorization header, using "
      "Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication "
      "for details, or we can help at https://support.stripe.com/.";
  return e;
}

api_error invalid_api_key(std::string_view key) {
  // Stripe keeps the key's prefix and last four characters; a short key shows none.
  std::string masked;
  const auto prefix_end = key.find('_', key.find('_') + 1);
  const std::size_t keep_front = prefix_end == std::string_view::npos ? 0 : prefix_end + 1;
  const std::size_t keep_back = key.size() >= keep_front + 16 ? 4 : 0;
  masked.append(key.substr(0, std::min(keep_front, key.size())));
  if (key.size() > keep_front + keep_back) masked.append(key.size() - keep_front - keep_back, '*');
  if (keep_back) masked.append(key.substr(key.size() - keep_back));
  api_error e;
  e.status = 401;
  e.message = "Invalid API Key provided: " + masked;
  return e;
}

api_error idempotency_mismatch(std::string_view key) {
  api_error e;
  e.type = "idempotency_error";
  e.message = "Keys for idempotent requests can only be used with the same parameters they were first used with. "
              "Try using a key other than '" +
              std::string(key) + "' if you meant to execute a different request.";
  return e;
}

api_error injected_fault(int status) {
  api_error e;
  e.status = status;
  if (status == 429) {
    e.code = "rate_limit";
    e.message =
        "Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.";
  } else {
    e.type = "api_error";
    e.message = "An unknown error occurred";
  }
  return e;
}

boost::json::object error_body(const api_error& e) {
  boost::json::object error;
  if (!e.code.empty()) error["code"] = e.code;
  if (!e.decline_code.empty()) error["decline_code"] = e.decline_code;
  if (!e.code.empty()) {
    std::string slug = e.code;  // Stripe's doc pages spell codes with hyphens
    std::replace(slug.begin(), slug.end(), '_', '-');
    error["doc_url"] = "https://stripe.com/docs/error-codes/" + slug;
  }
  error["message"] = e.message;
  if (!e.param.empty()) error["param"] = e.param;
  error["type"] = e.type;
  return boost::json::object{{"error", std::move(error)}};
}

net::server_response error_response(const api_error& e) {
  auto response = json_response(e.status, error_body(e));
  // Stripe asks Basic-auth clients (curl -u sk_test_…:) for the key this way.
  if (e.status == 401) response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Stripe\"");
  return response;
}

net::server_response json_response(int status, const boost::json::object& body) {
  net::server_response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = boost::json::serialize(body);
  return r;
}

id_source::id_source(std::optional<std::uint64_t> seed) : random_(seed ? *seed : std::random_device{}()) {}

std::string id_source::make(std::string_view prefix, int length) {
  static constexpr char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string id(prefix);
  for (int i = 0; i < length; ++i) id.push_back(alphabet[random_() % 62]);
  return id;
}

bool zero_decimal_currency(std::string_view currency) {
  // https://docs.stripe.com/currencies#zero-decimal
  static constexpr std::array<std::string_view, 16> zero = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
                                                            "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"};
  for (auto c : zero)
    if (c == currency) return true;
  return false;
}

std::string format_amount(std::int64_t amount, std::string_view currency) {
  std::string number;
  if (zero_decimal_currency(currency)) {
    number = std::to_string(amount);
  } else {
    char buffer[32];
    const auto magnitude = amount < 0 ? -amount : amount;
    std::snprintf(buffer, sizeof buffer, "%s%lld.%02lld", amount < 0 ? "-" : "",
                  static_cast<long long>(magnitude / 100), static_cast<long long>(magnitude % 100));
    number = buffer;
  }
  if (currency == "eur") return "€" + number;
  if (currency == "usd") return "$" + number;
  std::string code(currency);
  for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return number + " " + code;
}

}  // namespace tutorbot::sandbox::stripe
