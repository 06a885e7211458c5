#include "sandbox/control_routes.hpp"

#include <boost/json/parse.hpp>

namespace tutorbot::sandbox::control {

std::optional<boost::json::object> body_object(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return boost::json::object{};
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

net::server_response bad_request(std::string_view expected) {
  return net::server_response::error(400, "bad_request", "expected " + std::string(expected));
}

}  // namespace tutorbot::sandbox::control
