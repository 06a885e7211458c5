#pragma once
// X-Chatwoot-Signature: verifying a webhook's signature (app/chatwoot_routes) and writing one
// (the sandbox), as Chatwoot signs: HMAC-SHA256 over "<X-Chatwoot-Timestamp>.<raw body>".
#include <chrono>
#include <string>
#include <string_view>

namespace tutorbot::net {

enum class chatwoot_signature_verdict {
  valid,
  no_secret,            // we have no secret to check with
  missing_signature,    // no X-Chatwoot-Signature
  missing_timestamp,    // no X-Chatwoot-Timestamp
  malformed_signature,  // not "sha256=" followed by 64 hex digits
  malformed_timestamp,  // not unix seconds
  mismatch,             // the HMAC is not ours: wrong secret or altered body
  timestamp_too_old,
  timestamp_in_future
};
std::string_view to_string(chatwoot_signature_verdict verdict);

inline constexpr std::chrono::seconds chatwoot_signature_tolerance{300};

// X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Chatwoot-Timestamp>.<raw body>")>,
// compared in constant time on the raw bytes, before any parsing.
chatwoot_signature_verdict verify_chatwoot_signature(std::string_view signature_header,
                                                     std::string_view timestamp_header, std::string_view body,
                                                     std::string_view secret, std::chrono::sys_seconds now,
                                                     std::chrono::seconds tolerance = chatwoot_signature_tolerance);

// The X-Chatwoot-Signature value for `body` at `timestamp` (what the sandbox sends).
std::string chatwoot_signature_header(std::string_view body, std::string_view secret,
                                      std::chrono::sys_seconds timestamp);

}  // namespace tutorbot::net
