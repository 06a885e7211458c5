#include "tests/support/raw_http.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tutorbot::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string raw_response::header(const std::string& name) const {
  std::string lower_name = name;
  std::transform(lower_name.begin(), lower_name.end(), lower_name.begin(), ::tolower);
  std::size_t pos = 0;
  while (pos < headers_text.size()) {
    auto end = headers_text.find("\r\n", pos);
    if (end == std::string::npos) end = headers_text.size();
    auto line = headers_text.substr(pos, end - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      auto key = line.substr(0, colon);
      std::transform(key.begin(), key.end(), key.begin(), ::tolower);
      if (key == lower_name) {
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        return value;
      }
    }
    pos = end + 2;
  }
  return {};
}

struct raw_connection::impl {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool partial = false;
};

raw_connection::raw_connection(unsigned short port) : impl_(std::make_unique<impl>()) {
  impl_->stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

raw_connection::~raw_connection() = default;

void raw_connection::send(const std::string& bytes) {
  impl_->stream.expires_after(std::chrono::seconds(10));
  asio::write(impl_->stream.socket(), asio::buffer(bytes));
}

std::optional<raw_response> raw_connection::read_response(std::chrono::milliseconds deadline) {
  return read(deadline, false);
}

std::optional<raw_response> raw_connection::read_head_response(std::chrono::milliseconds deadline) {
  return read(deadline, true);
}

std::optional<raw_response> raw_connection::read(std::chrono::milliseconds deadline, bool to_head) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  parser.skip(to_head);  // an answer to HEAD has the GET's Content-Length and no body
  beast::error_code ec;
  impl_->stream.expires_after(deadline);
  // Run the async read to completion so the stream's deadline applies.
  http::async_read(impl_->stream, impl_->buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
  impl_->io.restart();
  impl_->io.run();
  impl_->partial = ec == http::error::partial_message || (ec && parser.got_some());
  if (ec) return std::nullopt;
  raw_response out;
  auto& message = parser.get();
  out.status = static_cast<int>(message.result_int());
  out.body = message.body();
  for (const auto& field : message) {
    out.headers_text += std::string(field.name_string()) + ": " + std::string(field.value()) + "\r\n";
  }
  return out;
}

bool raw_connection::last_read_was_partial() const { return impl_->partial; }

bool raw_connection::closed_by_peer(std::chrono::milliseconds deadline) {
  char byte;
  beast::error_code ec;
  bool closed = false;
  impl_->stream.expires_after(deadline);
  impl_->stream.async_read_some(asio::buffer(&byte, 1), [&](beast::error_code e, std::size_t) {
    ec = e;
    closed = e == asio::error::eof || e == asio::error::connection_reset;
  });
  impl_->io.restart();
  impl_->io.run();
  return closed;
}

raw_response http_request(unsigned short port, const std::string& method, const std::string& target,
                          const std::string& body, const std::string& extra_headers) {
  raw_connection conn(port);
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers;
  if (!body.empty() || method == "POST" || method == "PUT") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  conn.send(request);
  auto response = conn.read_response();
  if (!response) throw std::runtime_error("no response to " + method + " " + target);
  return *response;
}

struct listening_port::impl {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor{io};
};

listening_port::listening_port(unsigned short port) : impl_(std::make_unique<impl>()) {
  boost::asio::ip::tcp::endpoint endpoint{boost::asio::ip::make_address("127.0.0.1"), port};
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
}

listening_port::~listening_port() = default;

}  // namespace tutorbot::testing
