#pragma once
// Stripe's wire conventions shared by the sandbox's API, hosted page and webhooks: the
// error object, JSON answers, object ids with Stripe's prefixes, and money as Stripe's
// messages print it.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "net/http_message.hpp"

namespace tutorbot::sandbox::stripe {

// Stripe's error object: {"error":{"type","code","message","param",…}}. Empty fields are
// left out, as Stripe leaves them out (there is no "code": null).
struct api_error {
  int status = 400;
  std::string type = "invalid_request_error";
  std::string message;
  std::string code;
  std::string param;
  std::string decline_code;
};

// "Missing required param: line_items[0][quantity]."
api_error parameter_missing(const std::string& param);
// "Received unknown parameter: line_items[0][prices]"
api_error parameter_unknown(const std::string& param);
// "Invalid integer: ten"
api_error invalid_integer(const std::string& param, std::string_view value);
// Any other refused value of `param` (no code, as Stripe sends most validation errors).
api_error invalid_param(const std::string& param, std::string message);
// "No such checkout.session: 'cs_test_…'": 404 for the path's resource, 400 for a
// parameter naming one.
api_error no_such(std::string_view kind, std::string_view id, const std::string& param, int status);
api_error missing_api_key();
api_error invalid_api_key(std::string_view key);  // quotes the key masked, as Stripe does
api_error idempotency_mismatch(std::string_view key);
// The bodies of an injected fault: 429 rate_limit, 5xx api_error.
api_error injected_fault(int status);

boost::json::object error_body(const api_error& error);
net::server_response error_response(const api_error& error);
net::server_response json_response(int status, const boost::json::object& body);

// Ids as Stripe makes them: a prefix and base62 characters ("pi_3Pgafy…", "cs_test_a1…").
// Seeded, the sequence of ids repeats run after run.
class id_source {
 public:
  explicit id_source(std::optional<std::uint64_t> seed);
  std::string make(std::string_view prefix, int length = 24);
  std::mt19937_64& random() { return random_; }

 private:
  std::mt19937_64 random_;
};

// Whole units of a currency's smallest unit: 2 decimals except Stripe's zero-decimal ones.
bool zero_decimal_currency(std::string_view currency);
// 4550 eur → "€45.50"; usd "$45.50"; others "45.50 GBP" (what messages and the page show).
std::string format_amount(std::int64_t amount, std::string_view currency);

}  // namespace tutorbot::sandbox::stripe
