#pragma once
// Inside the HTTP server (net/http_server.cpp): one connection, read request by request
// (header, body, limits, deadlines), each answered through the router in order, kept alive
// or closed as HTTP/1.1 says. Not for other files: the interface is http_server.hpp.
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "net/http_server_impl.hpp"
#include "obs/log.hpp"

namespace tutorbot::net::http_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// What the read buffer may hold beyond the header limit: body bytes on their way to the
// parser. A body's bytes are moved out of the buffer as they come, so this bounds nothing
// a legitimate request needs.
constexpr std::size_t read_buffer_slack = 64 * 1024;

// A client-supplied X-Request-Id is kept when it is short and plain, so ids can be traced
// through a proxy; anything else is replaced.
inline bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

inline std::string new_request_id() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static const char* digits = "0123456789abcdef";
  std::string id(16, '0');
  auto bits = generator();
  for (auto& c : id) {
    c = digits[bits & 0xf];
    bits >>= 4;
  }
  return id;
}

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket&& socket, std::shared_ptr<http_server::impl> server, std::string address)
      : stream_(std::move(socket)),
        // Beast applies neither limit to chunk extensions and trailers: a capped buffer ends an
        // endless one with buffer_overflow instead of holding it until the read timeout.
        buffer_(server->options.header_limit + read_buffer_slack),
        server_(std::move(server)),
        address_(std::move(address)) {}

  ~session() {
    server_->connections.Decrement();
    server_->open.fetch_sub(1);
    server_->release_address(address_);
    server_->session_closed(self_);
  }

  enum class admission { welcome, overloaded, too_many_from_address };

  void start(admission admitted) {
    self_ = weak_from_this();
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), admitted] {
      switch (admitted) {
        case admission::overloaded:
          return self->fail_and_close(503, "overloaded", "too many open connections; retry shortly");
        case admission::too_many_from_address:
          return self->fail_and_close(429, "too_many_connections", "too many open connections from your address");
        case admission::welcome:
          return self->read_header();
      }
    });
  }

  // Called on shutdown: a connection waiting for its next request closes now; one with a
  // request in flight closes after its response.
  void close_if_idle() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->in_flight_) self->close();
    });
  }

  void force_close() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
  }

  // Still waiting for its first request header: what a slowloris connection is forever.
  bool waiting_for_first_header() const { return !greeted_.load(); }
  std::chrono::steady_clock::time_point accepted_at() const { return accepted_at_; }

  // Closes the connection unless its first header arrived meanwhile.
  void evict_if_still_waiting() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->waiting_for_first_header()) self->close();
    });
  }

 private:
  void read_header() {
    if (server_->stopping) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.header_limit));
    parser_->body_limit(server_->options.body_limit);
    stream_.expires_after(served_ == 0 ? server_->options.header_timeout : server_->options.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return fail_and_close(431, "headers_too_large", "request headers exceed the limit");
    }
    // Beast checks a declared Content-Length against the body limit while parsing the header.
    if (ec == http::error::body_limit) {
      return fail_and_close(413, "body_too_large", "request body exceeds the limit");
    }
    if (ec) {
      // End of stream, idle timeout or a closed socket: nothing was asked, nothing to answer.
      if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::operation_aborted || buffer_.size() == 0) {
        return close();
      }
      return fail_and_close(400, "bad_request", "malformed HTTP request");
    }
    started_ = std::chrono::steady_clock::now();
    greeted_ = true;
    const auto& header = parser_->get();
    stream_.expires_after(server_->options.read_timeout);
    auto expect = header[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
                          if (wec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&session::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit || ec == http::error::buffer_overflow) {
      return fail_and_close(413, "body_too_large", "request body exceeds the limit");
    }
    // On a timeout the stream has closed the socket already: a slow client gets no answer.
    if (ec) return close();
    dispatch_request();
  }

  void dispatch_request() {
    auto message = parser_->release();
    keep_alive_ = message.keep_alive();
    in_flight_ = true;
    stream_.expires_never();  // the handler's own deadlines apply while it works

    server_request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    auto incoming_id = request.header("X-Request-Id");
    request.request_id =
        incoming_id && acceptable_request_id(*incoming_id) ? *incoming_id : new_request_id();
    request_id_ = request.request_id;
    method_ = request.method;
    path_ = request.path;

    auto outcome = server_->routes.route(request);
    if (auto* allowed = std::get_if<router::method_not_allowed>(&outcome)) {
      route_ = "unmatched";
      auto response = server_response::error(405, "method_not_allowed",
                                             "this route does not accept " + request.method);
      response.headers.emplace_back("Allow", allowed->allow);
      return write(std::move(response));
    }
    auto* match = std::get_if<router::matched>(&outcome);
    if (!match) {
      route_ = "unmatched";
      return write(server_response::error(404, "not_found", "no route for " + request.path));
    }
    route_ = *match->pattern;
    // Posted through the io_context, whose executor is a plain pointer, and only then onto the
    // connection's strand: a strand executor copied on the handler's thread would be
    // destroyed there after the post, possibly once the server and its io_context are gone.
    respond_fn respond = [unanswered = std::make_shared<pending_answer>(shared_from_this()),
                          io = server_->io.get_executor()](server_response response) {
      auto self = unanswered->take();
      if (!self) return;  // a handler answers once; a second call is ignored
      asio::post(io, [self = std::move(self), response = std::move(response)]() mutable {
        auto strand = self->stream_.get_executor();
        asio::dispatch(strand, [self = std::move(self), response = std::move(response)]() mutable {
          self->write(std::move(response));
        });
      });
    };
    try {
      (*match->handler)(std::move(request), respond);
    } catch (const std::exception& e) {
      obs::log_error("http_handler_failed", {{"request_id", request_id_}, {"error", e.what()}});
      respond(server_response::error(500, "internal_error", "the request could not be handled"));
    }
  }

  void write(server_response response) {
    auto reply = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), 11);
    reply->set(http::field::server, "tutorbot");
    reply->set(http::field::content_type, response.content_type);
    if (!request_id_.empty()) reply->set("X-Request-Id", request_id_);
    for (auto& [name, value] : response.headers) reply->set(name, value);
    reply->body() = std::move(response.body);
    reply->keep_alive(keep_alive_ && !server_->stopping);
    reply->prepare_payload();
    status_ = response.status;
    stream_.expires_after(server_->options.read_timeout);
    if (method_ == "HEAD") {
      // The GET's header, Content-Length included, and no body (RFC 9110 §9.3.2): bytes after
      // the header would be read by a kept-alive client as the start of its next response.
      auto head = std::make_shared<http::response<http::empty_body>>(reply->base());
      http::async_write(stream_, *head, [self = shared_from_this(), head](beast::error_code ec, std::size_t bytes) {
        self->on_write(ec, bytes, head->keep_alive());
      });
      return;
    }
    http::async_write(stream_, *reply,
                      [self = shared_from_this(), reply](beast::error_code ec, std::size_t bytes) {
                        self->on_write(ec, bytes, reply->keep_alive());
                      });
  }

  void on_write(beast::error_code ec, std::size_t bytes, bool keep_alive) {
    auto elapsed = std::chrono::steady_clock::now() - started_;
    server_->record(route_, method_, status_, elapsed);
    obs::log_info("http_request",
                  {{"request_id", request_id_},
                   {"method", method_},
                   {"path", path_},
                   {"status", status_},
                   {"bytes", bytes},
                   {"duration_us", static_cast<std::int64_t>(
                                       std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count())}});
    in_flight_ = false;
    ++served_;
    if (ec) return close();
    if (lingering_) return linger();
    if (!keep_alive) return close();
    read_header();
  }

  // Answer a request we refuse to read (too large, malformed, overloaded) and close the
  // connection; the unread rest is drained briefly so the client sees the answer instead of
  // a reset.
  void fail_and_close(int status, std::string_view code, std::string_view message) {
    if (started_ == std::chrono::steady_clock::time_point{}) started_ = std::chrono::steady_clock::now();
    if (request_id_.empty()) request_id_ = new_request_id();
    // Beast may stop at the header (limits): whatever it parsed still names the request.
    if (parser_ && !parser_->get().method_string().empty()) {
      method_ = std::string(parser_->get().method_string());
      auto target = std::string(parser_->get().target());
      path_ = target.substr(0, target.find('?'));
    }
    route_ = "unmatched";
    keep_alive_ = false;
    lingering_ = true;
    in_flight_ = true;
    write(server_response::error(status, code, message));
  }

  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    drain_ = std::make_shared<std::array<char, 16384>>();
    drain_more();
  }

  void drain_more() {
    stream_.async_read_some(asio::buffer(*drain_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->drain_more();
                            });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  // The connection as a handler's respond_fn holds it until the handler answers. Answering
  // moves it onto the connection's own executor, so a copy of respond_fn that a handler keeps
  // afterwards (a timer, an actor, another io_context's thread) no longer holds the
  // connection: its last reference always drops where its socket and timers live, never on a
  // thread that may outlive this server.
  class pending_answer {
   public:
    explicit pending_answer(std::shared_ptr<session> connection) : connection_(std::move(connection)) {}
    std::shared_ptr<session> take() {
      std::lock_guard lock(mutex_);
      return std::move(connection_);
    }

   private:
    std::mutex mutex_;
    std::shared_ptr<session> connection_;
  };

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http_server::impl> server_;
  std::string address_;  // the client's, for its share of connections
  std::weak_ptr<session> self_;
  std::shared_ptr<std::array<char, 16384>> drain_;
  std::chrono::steady_clock::time_point started_{};
  const std::chrono::steady_clock::time_point accepted_at_ = std::chrono::steady_clock::now();
  std::atomic<bool> greeted_{false};  // a first request header arrived
  std::string request_id_, method_, path_, route_;
  int status_ = 0;
  std::size_t served_ = 0;
  bool keep_alive_ = false;
  bool in_flight_ = false;
  bool lingering_ = false;
};

}  // namespace tutorbot::net::http_detail
