#include "domain/types.hpp"

#include <cstdlib>

namespace tutorbot::domain {

std::string to_string(cents amount) {
  // Through unsigned so that INT64_MIN does not overflow on negation.
  const bool negative = amount.value < 0;
  const auto magnitude = negative ? 0 - static_cast<std::uint64_t>(amount.value)
                                  : static_cast<std::uint64_t>(amount.value);
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += '.';
  const auto fraction = magnitude % 100;
  if (fraction < 10) out += '0';
  out += std::to_string(fraction);
  return out;
}

std::ostream& operator<<(std::ostream& os, cents amount) { return os << to_string(amount); }

}  // namespace tutorbot::domain
