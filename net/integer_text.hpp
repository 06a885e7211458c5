#pragma once
// A header value or a JSON string that must be a whole decimal number (unix seconds, an id
// relayed as text): all of it, or nothing.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tutorbot::net {

inline std::optional<std::int64_t> integer_text(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace tutorbot::net
