#pragma once
// What every fuzz target shares: the input as text, cut into parts, and a check that stops
// the run with a message (libFuzzer then saves the input that broke it).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace tutorbot::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The parts of `text` between `separator`s; an input without one is a single part.
inline std::vector<std::string_view> parts(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  for (std::size_t from = 0;;) {
    const auto at = text.find(separator, from);
    out.push_back(text.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
    if (at == std::string_view::npos) return out;
    from = at + 1;
  }
}

[[noreturn]] inline void broken(const char* invariant, std::string_view detail = {}) {
  std::fprintf(stderr, "invariant broken: %s\n%.*s\n", invariant, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline void check(bool holds, const char* invariant, std::string_view detail = {}) {
  if (!holds) broken(invariant, detail);
}

}  // namespace tutorbot::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
