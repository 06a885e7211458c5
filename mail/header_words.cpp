#include "mail/header_words.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace tutorbot::mail {

namespace {

bool plain_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

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

}  // namespace

std::string encoded_header_word(const std::string& text) {
  if (plain_ascii(text)) return text;
  // Encoded words stay within 75 characters (RFC 2047 §2): 45 bytes each, cut between
  // characters, never inside a UTF-8 sequence.
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = std::min(text.size(), at + 45);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += ' ';
    out += "=?UTF-8?B?" + base64(std::string_view{text}.substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

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

std::string message_id_for(std::string_view key, std::string_view sender_address) {
  std::string left{key};
  std::replace(left.begin(), left.end(), ':', '.');
  const auto at = sender_address.find('@');
  const auto domain = at == std::string_view::npos ? std::string_view{"tutorbot"} : sender_address.substr(at + 1);
  return "<" + left + "@" + std::string{domain} + ">";
}

}  // namespace tutorbot::mail
