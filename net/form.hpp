#pragma once
// application/x-www-form-urlencoded, as Stripe's API, OAuth token endpoints and query
// strings use it. Stripe nests parameters in the keys (`line_items[0][price_data][currency]`);
// the keys are encoded like any other text, so nesting is the caller's naming.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tutorbot::net {

using form_fields = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes everything except RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~).
std::string form_encode(std::string_view text);

// key=value&key=value, in the order given.
std::string encode_form(const form_fields& fields);

// All pairs in order, percent- and '+'-decoded; a pair without '=' has an empty value.
form_fields parse_form(std::string_view body);

// The first value under `name`, or nullptr.
const std::string* find_field(const form_fields& fields, std::string_view name);

}  // namespace tutorbot::net
