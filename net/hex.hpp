#pragma once
// One hexadecimal digit's value, or -1: for percent-decoding and UUID bytes alike.
namespace tutorbot::net {

constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace tutorbot::net
