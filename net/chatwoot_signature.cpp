#include "net/chatwoot_signature.hpp"

#include <cstdint>

#include "net/constant_time.hpp"
#include "net/crypto.hpp"
#include "net/hex.hpp"
#include "net/integer_text.hpp"

namespace tutorbot::net {

using std::chrono::seconds;
using std::chrono::sys_seconds;

std::string_view to_string(chatwoot_signature_verdict verdict) {
  switch (verdict) {
    case chatwoot_signature_verdict::valid: return "valid";
    case chatwoot_signature_verdict::no_secret: return "no_secret";
    case chatwoot_signature_verdict::missing_signature: return "missing_signature";
    case chatwoot_signature_verdict::missing_timestamp: return "missing_timestamp";
    case chatwoot_signature_verdict::malformed_signature: return "malformed_signature";
    case chatwoot_signature_verdict::malformed_timestamp: return "malformed_timestamp";
    case chatwoot_signature_verdict::mismatch: return "mismatch";
    case chatwoot_signature_verdict::timestamp_too_old: return "timestamp_too_old";
    case chatwoot_signature_verdict::timestamp_in_future: return "timestamp_in_future";
  }
  return "mismatch";
}

std::string chatwoot_signature_header(std::string_view body, std::string_view secret, sys_seconds timestamp) {
  std::string payload = std::to_string(timestamp.time_since_epoch().count());
  payload += '.';
  payload += body;
  return "sha256=" + hmac_sha256_hex(secret, payload);
}

chatwoot_signature_verdict verify_chatwoot_signature(std::string_view signature_header,
                                                     std::string_view timestamp_header, std::string_view body,
                                                     std::string_view secret, sys_seconds now, seconds tolerance) {
  if (secret.empty()) return chatwoot_signature_verdict::no_secret;
  if (signature_header.empty()) return chatwoot_signature_verdict::missing_signature;
  if (timestamp_header.empty()) return chatwoot_signature_verdict::missing_timestamp;
  constexpr std::string_view scheme = "sha256=";
  if (!signature_header.starts_with(scheme)) return chatwoot_signature_verdict::malformed_signature;
  std::string candidate(signature_header.substr(scheme.size()));
  if (candidate.size() != 64) return chatwoot_signature_verdict::malformed_signature;
  for (auto& c : candidate) {
    if (hex_digit_value(c) < 0) return chatwoot_signature_verdict::malformed_signature;
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  auto t = integer_text(timestamp_header);
  if (!t) return chatwoot_signature_verdict::malformed_timestamp;

  std::string payload(timestamp_header);
  payload += '.';
  payload += body;
  const std::string expected = hmac_sha256_hex(secret, payload);
  if (!constant_time_equal(candidate, expected))
    return chatwoot_signature_verdict::mismatch;
  const std::int64_t age = now.time_since_epoch().count() - *t;
  if (age > tolerance.count()) return chatwoot_signature_verdict::timestamp_too_old;
  if (-age > tolerance.count()) return chatwoot_signature_verdict::timestamp_in_future;
  return chatwoot_signature_verdict::valid;
}

}  // namespace tutorbot::net
