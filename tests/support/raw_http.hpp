#pragma once
// A blocking HTTP/1.1 client over a plain socket, for tests that need to control exactly
// what goes on the wire (oversized headers, slow bodies, keep-alive).
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace tutorbot::testing {

struct raw_response {
  int status = 0;
  std::string body;
  std::string header(const std::string& name) const;
  std::string headers_text;  // "Name: value\r\n…" as received
};

class raw_connection {
 public:
  explicit raw_connection(unsigned short port);
  ~raw_connection();
  void send(const std::string& bytes);
  // Reads one response; nullopt when the server closed the connection first or the
  // deadline passed.
  std::optional<raw_response> read_response(std::chrono::milliseconds deadline = std::chrono::seconds(10));
  // The answer to a HEAD request: a header only.
  std::optional<raw_response> read_head_response(std::chrono::milliseconds deadline = std::chrono::seconds(10));
  // After read_response gave nullopt: whether part of a response had arrived (a response
  // cut short) rather than none at all.
  bool last_read_was_partial() const;
  // True when the server closes the connection within the deadline.
  bool closed_by_peer(std::chrono::milliseconds deadline);

 private:
  std::optional<raw_response> read(std::chrono::milliseconds deadline, bool to_head);

  struct impl;
  std::unique_ptr<impl> impl_;
};

// A loopback port held listening (and never accepted on) while this lives: a port in use.
class listening_port {
 public:
  explicit listening_port(unsigned short port);
  ~listening_port();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// One request on a new connection.
raw_response http_request(unsigned short port, const std::string& method, const std::string& target,
                          const std::string& body = "", const std::string& extra_headers = "");

}  // namespace tutorbot::testing
