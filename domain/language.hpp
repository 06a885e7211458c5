#pragma once
// The language a conversation is held in. Dutch is the school's default; English on
// request or from the contact's locale.

#include <optional>
#include <string_view>

namespace tutorbot::domain {

enum class language { nl, en };

constexpr std::string_view to_string(language l) { return l == language::en ? "en" : "nl"; }

// "nl", "NL", "nl-NL", "nl_BE", "en", "en-GB", … → the language; anything else → nullopt.
// Chatwoot and WhatsApp hand locales in either separator style.
constexpr std::optional<language> parse_language(std::string_view text) {
  if (text.size() < 2 || (text.size() > 2 && text[2] != '-' && text[2] != '_')) return std::nullopt;
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  const char a = lower(text[0]);
  const char b = lower(text[1]);
  if (a == 'n' && b == 'l') return language::nl;
  if (a == 'e' && b == 'n') return language::en;
  return std::nullopt;
}

}  // namespace tutorbot::domain
