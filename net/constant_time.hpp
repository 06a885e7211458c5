#pragma once
// Comparing secrets (tokens, signatures) in time that does not depend on where they differ,
// so a secret cannot be guessed byte by byte from response timings.
#include <string_view>

#include <openssl/crypto.h>

namespace tutorbot::net {

inline bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tutorbot::net
