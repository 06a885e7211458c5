#pragma once
// Digests the service needs, in lower-case hex (OpenSSL stays in crypto.cpp).
#include <string>
#include <string_view>

namespace tutorbot::net {

// hex(HMAC-SHA256(key, message)): Stripe's v1 signatures and Chatwoot's sha256= ones.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
// hex(SHA-256(data)).
std::string sha256_hex(std::string_view data);

}  // namespace tutorbot::net
