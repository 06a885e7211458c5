#include "net/stripe_signature.hpp"

#include <cstdint>

#include "net/constant_time.hpp"
#include "net/crypto.hpp"
#include "net/integer_text.hpp"

namespace tutorbot::net {

std::string_view to_string(signature_verdict verdict) {
  switch (verdict) {
    case signature_verdict::valid: return "valid";
    case signature_verdict::missing_header: return "missing_header";
    case signature_verdict::malformed_header: return "malformed_header";
    case signature_verdict::timestamp_too_old: return "timestamp_too_old";
    case signature_verdict::timestamp_in_future: return "timestamp_in_future";
    case signature_verdict::no_matching_signature: return "no_matching_signature";
  }
  return "unknown";
}

std::string stripe_signature_header(std::string_view body, std::string_view secret,
                                    std::chrono::sys_seconds timestamp) {
  const std::string t = std::to_string(timestamp.time_since_epoch().count());
  std::string signed_payload = t;
  signed_payload += '.';
  signed_payload += body;
  return "t=" + t + ",v1=" + hmac_sha256_hex(secret, signed_payload);
}

signature_verdict verify_stripe_signature(std::string_view header, std::string_view body,
                                          const std::vector<std::string>& secrets,
                                          std::chrono::sys_seconds now, std::chrono::seconds tolerance) {
  if (header.empty()) return signature_verdict::missing_header;
  std::string_view timestamp;
  std::vector<std::string_view> candidates;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = item.substr(0, eq), value = item.substr(eq + 1);
    if (name == "t") timestamp = value;
    else if (name == "v1") candidates.push_back(value);  // v0 and other schemes are ignored, as Stripe's libraries do
  }
  if (candidates.empty()) return signature_verdict::malformed_header;
  const auto parsed = integer_text(timestamp);
  if (!parsed) return signature_verdict::malformed_header;
  const std::int64_t t = *parsed;

  std::string signed_payload(timestamp);
  signed_payload += '.';
  signed_payload += body;
  bool matched = false;
  for (const auto& secret : secrets) {
    const std::string expected = hmac_sha256_hex(secret, signed_payload);
    for (std::string_view candidate : candidates) {
      // No early exit: every candidate is compared in full, so timing says nothing.
      if (constant_time_equal(candidate, expected)) matched = true;
    }
  }
  if (!matched) return signature_verdict::no_matching_signature;
  const std::int64_t age = now.time_since_epoch().count() - t;
  if (age > tolerance.count()) return signature_verdict::timestamp_too_old;
  if (-age > tolerance.count()) return signature_verdict::timestamp_in_future;
  return signature_verdict::valid;
}

}  // namespace tutorbot::net
