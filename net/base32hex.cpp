#include "net/base32hex.hpp"

#include "net/hex.hpp"

#include <array>
#include <cstdint>

namespace tutorbot::net {

std::string base32hex_encode(std::span<const unsigned char> bytes) {
  static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuv";
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(alphabet[(buffer >> bits) & 0x1f]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(buffer << (5 - bits)) & 0x1f]);
  return out;
}


std::optional<std::string> event_id_for_booking(std::string_view uuid) {
  if (uuid.size() != 36) return std::nullopt;
  std::array<unsigned char, 16> bytes{};
  std::size_t n = 0;
  for (std::size_t i = 0; i < uuid.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (uuid[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = hex_digit_value(uuid[i]), lo = hex_digit_value(uuid[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes[n++] = static_cast<unsigned char>(hi * 16 + lo);
    i += 2;
  }
  return base32hex_encode(bytes);
}

}  // namespace tutorbot::net
