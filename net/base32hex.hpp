#pragma once
// RFC 4648 §7 "base32hex", lowercase and unpadded: the alphabet Google Calendar accepts
// for client-chosen event ids (characters a-v and 0-9, 5 to 1024 of them).
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tutorbot::net {

// Lowercase base32hex of the bytes, without '=' padding ("foobar" -> "cpnmuoj1e8").
std::string base32hex_encode(std::span<const unsigned char> bytes);

// The Calendar event id for a booking: base32hex of the UUID's 16 bytes (26 characters).
// Deterministic, so a retried insert reuses the id and Google answers 409 instead of
// creating a second event. nullopt when `uuid` is not a canonical 8-4-4-4-12 hex UUID.
std::optional<std::string> event_id_for_booking(std::string_view uuid);

}  // namespace tutorbot::net
