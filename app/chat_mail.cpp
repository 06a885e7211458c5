#include "app/chat_mail.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <vector>

namespace tutorbot::app::chat {

namespace {

std::string base64_decoded(std::string_view text) {
  std::string out(3 * ((text.size() + 3) / 4), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::string{text};
  out.resize(static_cast<std::size_t>(n));
  // EVP_DecodeBlock counts the padding's zero bytes as data.
  for (std::size_t pad = text.size(); pad > 0 && text[pad - 1] == '=' && !out.empty(); --pad) out.pop_back();
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string q_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out += ' ';
    } else if (text[i] == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The header section with folded lines joined (RFC 5322 §2.2.3).
std::vector<std::string> header_lines(std::string_view message) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < message.size()) {
    auto end = message.find('\n', at);
    if (end == std::string_view::npos) end = message.size();
    std::string line{message.substr(at, end - at)};
    if (!line.empty() && line.back() == '\r') line.pop_back();
    at = end + 1;
    if (line.empty()) break;  // the body starts
    if ((line[0] == ' ' || line[0] == '\t') && !lines.empty()) lines.back() += line;
    else lines.push_back(std::move(line));
  }
  return lines;
}

std::optional<std::string> header(const std::vector<std::string>& lines, std::string_view name) {
  for (const auto& line : lines) {
    if (line.size() <= name.size() || line[name.size()] != ':') continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size(); ++i)
      same = same && std::tolower(static_cast<unsigned char>(line[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (!same) continue;
    auto value = line.substr(name.size() + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    return value;
  }
  return std::nullopt;
}

}  // namespace

std::string decode_header_words(std::string_view text) {
  std::string out;
  std::string pending_space;  // whitespace between two encoded words is dropped (RFC 2047 §6.2)
  bool last_was_word = false;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto start = text.find("=?", at);
    if (start == std::string_view::npos) break;
    const auto charset_end = text.find('?', start + 2);
    const auto encoding_end = charset_end == std::string_view::npos ? charset_end : text.find('?', charset_end + 1);
    const auto end = encoding_end == std::string_view::npos ? encoding_end : text.find("?=", encoding_end + 1);
    if (end == std::string_view::npos || encoding_end != charset_end + 2) break;
    const auto between = text.substr(at, start - at);
    const bool only_space = between.find_first_not_of(" \t") == std::string_view::npos;
    if (!(last_was_word && only_space)) out += between;
    const char encoding = static_cast<char>(std::toupper(static_cast<unsigned char>(text[charset_end + 1])));
    const auto payload = text.substr(encoding_end + 1, end - encoding_end - 1);
    out += encoding == 'B' ? base64_decoded(payload) : q_decoded(payload);
    last_was_word = true;
    at = end + 2;
  }
  out += text.substr(at);
  return out;
}

std::optional<mail_summary> summarize_mail(std::string_view message) {
  const auto lines = header_lines(message);
  const auto to = header(lines, "To");
  const auto subject = header(lines, "Subject");
  if (!to || !subject) return std::nullopt;
  mail_summary out;
  const auto open = to->rfind('<');
  const auto close = to->rfind('>');
  out.to = open != std::string::npos && close != std::string::npos && close > open ? to->substr(open + 1, close - open - 1)
                                                                                    : *to;
  out.subject = decode_header_words(*subject);
  out.has_invite = message.find("filename=invite.ics") != std::string_view::npos ||
                   message.find("filename=\"invite.ics\"") != std::string_view::npos;
  return out;
}

}  // namespace tutorbot::app::chat
