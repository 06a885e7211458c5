#pragma once
// Inside net/: the readers of Chatwoot's JSON that the webhook parser (chatwoot_json.cpp) and
// the API answers' parsers (chatwoot_api_json.cpp) share. Not for other files.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "net/chatwoot_json.hpp"

namespace tutorbot::net::chatwoot_readers {

// An integer field, also when Chatwoot (or a proxy) sends it as text or a whole double; 0 when absent.
std::int64_t int_at(const boost::json::object& o, std::string_view name);
// A string → string object (custom attributes); non-strings are left out.
chatwoot_attributes attributes_at(const boost::json::object& o, std::string_view name);
// The strings of an array; anything else gives none.
std::vector<std::string> strings_of(const boost::json::value* v);
chatwoot_sender sender_from(const boost::json::object& o);
chatwoot_conversation conversation_from(const boost::json::object& o);
chatwoot_message message_from(const boost::json::object& o);
// The body as a JSON object, or an error naming `what` it should have been.
std::variant<boost::json::object, chatwoot_parse_error> parse_object(std::string_view body, std::string_view what);

}  // namespace tutorbot::net::chatwoot_readers
