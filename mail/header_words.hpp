#pragma once
// What an e-mail's header lines may carry: non-ASCII text as RFC 2047 encoded words, and
// Message-IDs (RFC 5322 §3.6.4).
#include <string>
#include <string_view>

namespace tutorbot::mail {

// "=?UTF-8?B?…?=" words when `text` is not plain ASCII, else `text` as it is.
std::string encoded_header_word(const std::string& text);

// "=?UTF-8?B?…?=" and "=?UTF-8?Q?…?=" words decoded; other text as it is.
std::string decode_header_words(std::string_view text);

// "<booking-mail.<id>.0@school.nl>": a stable key in the characters a Message-ID allows, under
// the sender's domain.
std::string message_id_for(std::string_view key, std::string_view sender_address);

}  // namespace tutorbot::mail
