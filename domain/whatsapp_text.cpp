#include "domain/whatsapp_text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>

namespace tutorbot::domain {
namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Byte length of the code point starting at i (1 for stray bytes).
std::size_t next_boundary(std::string_view s, std::size_t i) {
  ++i;
  while (i < s.size() && is_continuation(s[i])) ++i;
  return i;
}

// The code point starting at i; U+FFFD for malformed sequences.
char32_t decode_at(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const std::size_t end = next_boundary(s, i);
  const std::size_t len = end - i;
  if (b0 < 0x80) return b0;
  auto cont = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k]) & 0x3F); };
  if ((b0 & 0xE0) == 0xC0 && len == 2) return (static_cast<char32_t>(b0 & 0x1F) << 6) | cont(1);
  if ((b0 & 0xF0) == 0xE0 && len == 3)
    return (static_cast<char32_t>(b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2);
  if ((b0 & 0xF8) == 0xF0 && len == 4)
    return (static_cast<char32_t>(b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
  return 0xFFFD;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Code points that attach to the one before: cutting before them splits what a person
// sees as one character (é as e + U+0301, 👍🏽, ❤️).
bool attaches_to_previous(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0020 && cp <= 0xE007F);
}

// Byte offset just after the first `n` code points (or the end).
std::size_t offset_after(std::string_view s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t k = 0; k < n && i < s.size(); ++k) i = next_boundary(s, i);
  return i;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string wrap(std::string_view text, std::string_view marker) {
  const auto core = trim(text);
  if (core.empty()) return std::string{text};
  const auto lead = static_cast<std::size_t>(core.data() - text.data());
  std::string out{text.substr(0, lead)};
  out += marker;
  out += core;
  out += marker;
  out += text.substr(lead + core.size());
  return out;
}

// Latin-1 letters U+00C0..U+00FF without their diacritics, lower case; "" = keep as is.
constexpr std::string_view latin1_fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // C0-CF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "",  "ss",  // D0-DF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // E0-EF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "",  "y",   // F0-FF
};

std::optional<std::size_t> parse_choice_number(std::string_view folded) {
  if (!folded.empty() && (folded.back() == '.' || folded.back() == ')')) folded.remove_suffix(1);
  if (folded.empty() || folded.size() > 3) return std::nullopt;
  std::size_t n = 0;
  for (char c : folded) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

}  // namespace

std::string bold(std::string_view text) { return wrap(text, "*"); }
std::string italic(std::string_view text) { return wrap(text, "_"); }
std::string strike(std::string_view text) { return wrap(text, "~"); }
std::string mono(std::string_view text) { return wrap(text, "```"); }

std::string bulleted_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += '\n';
    out += "- ";
    out += item;
  }
  return out;
}

std::string numbered_list(const std::vector<std::string>& items, int first) {
  std::string out;
  int n = first;
  for (const auto& item : items) {
    if (!out.empty()) out += '\n';
    out += std::to_string(n++) + ". " + item;
  }
  return out;
}

std::string neutralize(std::string_view user_text) {
  std::string out;
  out.reserve(user_text.size());
  for (char c : user_text) {
    switch (c) {
      case '*': out += "\u2217"; break;
      case '_': out += "\u02CD"; break;
      case '~': out += "\u223C"; break;
      case '`': out += "\u02CB"; break;
      default: out += c;
    }
  }
  return out;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte (RFC 3629, section 4)
    if (lead < 0x80) length = 1;
    else if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;       // no overlong forms
      if (lead == 0xED) high = 0x9F;      // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;      // nothing beyond U+10FFFF
    }
    bool ok = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; ok && k < length; ++k) {
      const auto c = byte(i + k);
      ok = k == 1 ? (c >= low && c <= high) : is_continuation(text[i + k]);
    }
    if (ok) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD for one malformed byte; what follows is read afresh
      ++i;
    }
  }
  return out;
}

std::size_t count_code_points(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(c); }));
}

std::string shorten_with_ellipsis(std::string_view text, std::size_t limit) {
  if (count_code_points(text) <= limit) return std::string{text};
  if (limit == 0) return {};
  auto kept = text.substr(0, offset_after(text, limit - 1));
  while (!kept.empty() && is_space(kept.back())) kept.remove_suffix(1);
  return std::string{kept} + "\u2026";
}

std::vector<std::string> split_message(std::string_view text, std::size_t limit) {
  limit = std::max<std::size_t>(limit, 1);
  std::vector<std::string> parts;
  if (trim(text).empty()) return parts;
  if (count_code_points(text) <= limit) {
    parts.emplace_back(text);
    return parts;
  }
  std::string_view rest = text;
  while (!trim(rest).empty()) {
    if (count_code_points(rest) <= limit) {
      parts.emplace_back(trim(rest));
      break;
    }
    const std::size_t window = offset_after(rest, limit);  // rest[0, window) fits
    // The cut: the largest position p <= window at a separator with text before it.
    auto fits_before = [&](std::size_t p) { return p != std::string_view::npos && !trim(rest.substr(0, p)).empty(); };
    std::size_t cut = rest.rfind("\n\n", window);
    if (!fits_before(cut)) cut = rest.rfind('\n', window);
    if (!fits_before(cut)) cut = rest.rfind(' ', window);
    if (!fits_before(cut)) {
      // Hard cut at a code point boundary, backed off so as not to split what a person
      // sees as one character, unless that would leave nothing.
      cut = window;
      std::size_t p = window;
      while (p > 0 && p < rest.size()) {
        const bool glued = attaches_to_previous(decode_at(rest, p));
        std::size_t prev = p - 1;
        while (prev > 0 && is_continuation(rest[prev])) --prev;
        const bool after_zwj = decode_at(rest, prev) == 0x200D;
        if (!glued && !after_zwj) break;
        p = prev;
      }
      if (p > 0) cut = p;
    }
    auto part = rest.substr(0, cut);
    while (!part.empty() && is_space(part.back())) part.remove_suffix(1);
    if (!part.empty()) parts.emplace_back(part);
    rest.remove_prefix(cut);
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  }
  return parts;
}

std::string_view to_string(reply_style style) {
  switch (style) {
    case reply_style::buttons: return "buttons";
    case reply_style::list: return "list";
    case reply_style::numbered_text: return "numbered_text";
  }
  return "numbered_text";
}

std::string fold_for_matching(std::string_view text) {
  std::string out;
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size(); i = next_boundary(text, i)) {
    const char32_t cp = decode_at(text, i);
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0) {
      pending_space = !out.empty();
      continue;
    }
    if ((cp >= 0x0300 && cp <= 0x036F) || cp == 0xFE0F) continue;  // combining accents, emoji style
    if (pending_space) out += ' ';
    pending_space = false;
    if (cp >= 'A' && cp <= 'Z') {
      out += static_cast<char>(cp - 'A' + 'a');
    } else if (cp >= 0xC0 && cp <= 0xFF && !latin1_fold[cp - 0xC0].empty()) {
      out += latin1_fold[cp - 0xC0];
    } else if (cp == 0x132 || cp == 0x133) {  // Dutch ligature Ĳ/ĳ
      out += "ij";
    } else if (cp == 0xFFFD) {
      out.append(text.substr(i, next_boundary(text, i) - i));  // keep malformed bytes as they were
    } else {
      append_utf8(out, cp);
    }
  }
  return out;
}

quick_reply make_quick_reply(std::string_view prompt, std::vector<std::string> options) {
  quick_reply r;
  r.prompt = std::string{prompt};
  r.options = std::move(options);
  r.numbered_text = r.prompt;
  if (!r.options.empty()) {
    if (!r.numbered_text.empty()) r.numbered_text += "\n\n";
    r.numbered_text += numbered_list(r.options);
  }

  const auto distinct = [](const std::vector<std::string>& titles) {
    std::set<std::string> seen;
    for (const auto& t : titles) {
      auto folded = fold_for_matching(t);
      if (folded.empty() || !seen.insert(std::move(folded)).second) return false;
    }
    return true;
  };
  const auto all_fit = [](const std::vector<std::string>& titles, std::size_t limit) {
    return std::all_of(titles.begin(), titles.end(),
                       [&](const std::string& t) { return count_code_points(t) <= limit; });
  };

  const std::size_t n = r.options.size();
  if (n == 0 || trim(r.prompt).empty() ||
      count_code_points(r.prompt) > whatsapp_interactive_body_limit || !distinct(r.options))
    return r;
  if (n <= whatsapp_max_buttons && all_fit(r.options, whatsapp_button_title_limit)) {
    r.style = reply_style::buttons;
    r.titles = r.options;
    return r;
  }
  if (n <= whatsapp_max_buttons || n > whatsapp_max_list_rows) return r;
  std::vector<std::string> titles;
  titles.reserve(n);
  for (const auto& option : r.options)
    titles.push_back(shorten_with_ellipsis(option, whatsapp_list_title_limit));
  if (!all_fit(r.options, whatsapp_list_title_limit) && !distinct(titles)) return r;
  r.style = reply_style::list;
  r.titles = std::move(titles);
  return r;
}

std::optional<std::size_t> match_reply(const quick_reply& reply, std::string_view text) {
  const auto folded = fold_for_matching(text);
  if (folded.empty()) return std::nullopt;
  for (std::size_t i = 0; i < reply.options.size(); ++i)
    if (fold_for_matching(reply.options[i]) == folded) return i;
  for (std::size_t i = 0; i < reply.titles.size(); ++i)
    if (fold_for_matching(reply.titles[i]) == folded) return i;
  if (const auto n = parse_choice_number(folded); n && *n >= 1 && *n <= reply.options.size())
    return *n - 1;
  return std::nullopt;
}

bool refused_outside_window(std::string_view external_error) {
  constexpr std::string_view code = "131047";
  for (auto at = external_error.find(code); at != std::string_view::npos; at = external_error.find(code, at + 1)) {
    const bool digit_before = at > 0 && std::isdigit(static_cast<unsigned char>(external_error[at - 1]));
    const auto after = at + code.size();
    const bool digit_after = after < external_error.size() && std::isdigit(static_cast<unsigned char>(external_error[after]));
    if (!digit_before && !digit_after) return true;
  }
  return false;
}

}  // namespace tutorbot::domain
