#pragma once
// Routes by method and path pattern ("/api/v1/tutors/{id}/slots"); a path that matches a
// pattern under another method is a 405 with Allow, anything else a 404.
#include <string>
#include <variant>
#include <vector>

#include "net/http_message.hpp"

namespace tutorbot::net {

class router {
 public:
  void add(std::string method, std::string pattern, handler_fn handler);

  struct matched {
    const handler_fn* handler;
    const std::string* pattern;  // the metric label: bounded, unlike raw paths
  };
  struct method_not_allowed {
    std::string allow;
  };
  struct not_found {};
  using outcome = std::variant<matched, method_not_allowed, not_found>;

  // Fills request.path_params on a match.
  outcome route(server_request& request) const;

 private:
  struct entry {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    handler_fn handler;
  };
  std::vector<entry> entries_;
};

}  // namespace tutorbot::net
