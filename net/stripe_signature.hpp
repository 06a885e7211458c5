#pragma once
// Stripe webhook signatures: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`,
// where v1 = hex(HMAC-SHA256(endpoint secret, t + "." + raw body)). Verified on the raw
// bytes before any parsing; every v1 is compared in constant time against every secret we
// accept (several while the endpoint secret is rolled).
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace tutorbot::net {

enum class signature_verdict {
  valid,
  missing_header,     // no Stripe-Signature at all
  malformed_header,   // no t= or no v1=, or t is not a number
  timestamp_too_old,  // t older than the tolerance
  timestamp_in_future,// t more than the tolerance ahead of our clock
  no_matching_signature
};
std::string_view to_string(signature_verdict verdict);

// Stripe's libraries default to 300 s, for both directions of clock skew.
inline constexpr std::chrono::seconds stripe_signature_tolerance{300};

signature_verdict verify_stripe_signature(std::string_view header, std::string_view body,
                                          const std::vector<std::string>& secrets,
                                          std::chrono::sys_seconds now,
                                          std::chrono::seconds tolerance = stripe_signature_tolerance);

// The header Stripe sends for `body` at `timestamp` (what the sandbox delivers with).
std::string stripe_signature_header(std::string_view body, std::string_view secret,
                                    std::chrono::sys_seconds timestamp);

}  // namespace tutorbot::net
