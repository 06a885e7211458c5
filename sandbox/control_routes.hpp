#pragma once
// What the sandboxes' own knobs under /sandbox/… share: a request body read as a JSON object
// (an empty one is {}), and the 400 that says what was expected.
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "net/http_message.hpp"

namespace tutorbot::sandbox::control {

// The body as an object; nullopt when it is not JSON or not an object.
std::optional<boost::json::object> body_object(const std::string& body);
// 400 {"error": "bad_request", "message": "expected <expected>"}.
net::server_response bad_request(std::string_view expected);

}  // namespace tutorbot::sandbox::control
