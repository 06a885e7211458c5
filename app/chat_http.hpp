#pragma once
// `tutorbot chat`'s way to the sandboxes: net::http_client on its own io_context thread,
// one call at a time, each waited for (a person's terminal, not a server).
#include <memory>
#include <string>
#include <variant>

#include "net/http_client.hpp"

namespace tutorbot::app::chat {

class blocking_http {
 public:
  blocking_http();
  ~blocking_http();
  blocking_http(const blocking_http&) = delete;
  blocking_http& operator=(const blocking_http&) = delete;

  // The response, or what went wrong on the way ("connect: …"). Sends Accept:
  // application/json; a POST body is JSON, or a form when `form`. 5 s per call.
  std::variant<net::client_response, std::string> call(const std::string& method, const std::string& url,
                                                       std::string body = {}, bool form = false);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// The "message" of a design §7 error body, else the start of the body.
std::string error_message(const std::string& body);

}  // namespace tutorbot::app::chat
