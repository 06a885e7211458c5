#pragma once
// What a route handler sees and returns: plain values, so routes never include Beast.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tutorbot::net {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct server_request {
  std::string method;
  std::string target;  // as sent: path and query
  std::string path;
  std::string query;
  header_list headers;
  std::string body;
  std::string request_id;
  std::map<std::string, std::string> path_params;  // filled by the router from {name} segments

  std::optional<std::string> header(std::string_view name) const;     // case-insensitive
  std::optional<std::string> query_param(std::string_view name) const;  // percent-decoded
};

struct server_response {
  int status = 200;
  std::string content_type = "application/json";
  header_list headers;
  std::string body;

  // The error shape of design §7: {"error": "<code>", "message": "…"}.
  static server_response error(int status, std::string_view code, std::string_view message);
  static server_response json(int status, std::string body);
  static server_response text(int status, std::string body, std::string content_type);
};

// Called exactly once per request, from any thread; the server hops back to the connection.
using respond_fn = std::function<void(server_response)>;
using handler_fn = std::function<void(server_request&&, respond_fn)>;

std::string percent_decode(std::string_view text);

}  // namespace tutorbot::net
