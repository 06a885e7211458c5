#include "net/http_server.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <vector>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "obs/log.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class session;

// What the read buffer may hold beyond the header limit: body bytes on their way to the
// parser. A body's bytes are moved out of the buffer as they come, so this bounds nothing
// a legitimate request needs.
constexpr std::size_t read_buffer_slack = 64 * 1024;

// A client-supplied X-Request-Id is kept when it is short and plain, so ids can be traced
// through a proxy; anything else is replaced.
bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

std::string new_request_id() {
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

}  // namespace

struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
  impl(asio::io_context& io_context, server_options opts, router r, obs::metrics& m)
      : io(io_context),
        options(std::move(opts)),
        routes(std::move(r)),
        acceptor(asio::make_strand(io_context)),
        grace_timer(io_context),
        requests(m.counter("tutorbot_http_requests_total", "HTTP requests by route, method and status")),
        latency(m.histogram("tutorbot_http_request_duration_seconds",
                            "HTTP request latency from the complete request to the sent response")),
        connections(m.gauge("tutorbot_http_open_connections", "Open HTTP connections").Add({})),
        accept_failures(m.counter("tutorbot_http_accept_failures_total",
                                  "Accepts that failed (out of descriptors); the next try waits 100 ms")
                            .Add({})),
        evictions(m.counter("tutorbot_http_connections_evicted_total",
                            "Connections closed at the cap because they had sent no request header yet")
                      .Add({})) {}

  asio::io_context& io;
  server_options options;
  router routes;
  tcp::acceptor acceptor;
  asio::steady_timer grace_timer;
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& latency;
  prometheus::Gauge& connections;
  prometheus::Counter& accept_failures;
  prometheus::Counter& evictions;
  unsigned short bound_port = 0;

  std::mutex mutex;
  std::set<std::weak_ptr<session>, std::owner_less<std::weak_ptr<session>>> sessions;
  std::map<std::string, std::size_t> per_address;  // guarded by mutex
  asio::steady_timer accept_pause{io};              // after EMFILE: the accept loop waits instead of spinning
  std::chrono::steady_clock::time_point last_accept_warning{};
  std::atomic<std::size_t> open{0};
  std::atomic<bool> stopping{false};
  std::function<void()> on_drained;  // guarded by mutex; called once

  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  bool evict_oldest_waiting();  // true when a connection waiting for its first header was told to close
  void release_address(const std::string& address);
  void session_closed(const std::weak_ptr<session>& s);
  void finish_shutdown();
  void record(const std::string& route, const std::string& method, int status,
              std::chrono::steady_clock::duration elapsed);
};

namespace {

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

}  // namespace

void http_server::impl::accept() {
  acceptor.async_accept(asio::make_strand(io),
                        beast::bind_front_handler(&impl::on_accept, shared_from_this()));
}

void http_server::impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stopping) return;
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    accept_failures.Increment();
    // Out of descriptors (EMFILE, ENFILE, no buffers): accepting again at once fails again at
    // once, spinning a core and flooding the log. Wait a little; warn once a second at most.
    const auto now = std::chrono::steady_clock::now();
    if (now - last_accept_warning >= std::chrono::seconds(1)) {
      last_accept_warning = now;
      obs::log_warn("http_accept_failed", {{"error", ec.message()}, {"retry_in_ms", 100}});
    }
    accept_pause.expires_after(std::chrono::milliseconds(100));
    accept_pause.async_wait(asio::bind_executor(acceptor.get_executor(), [self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec && !self->stopping) self->accept();
    }));
    return;
  }
  beast::error_code ignored;
  auto address = socket.remote_endpoint(ignored).address().to_string();
  auto admitted = session::admission::welcome;
  // At the cap, the connection that has waited longest without sending its first header
  // makes room: connections that send nothing (slowloris from many addresses) cannot hold
  // every slot while a client with a request is turned away.
  if (open.fetch_add(1) >= options.max_connections && !evict_oldest_waiting())
    admitted = session::admission::overloaded;
  connections.Increment();
  {
    std::lock_guard lock(mutex);
    auto& mine = per_address[address];
    ++mine;
    if (admitted == session::admission::welcome && options.max_connections_per_address > 0 &&
        mine > options.max_connections_per_address)
      admitted = session::admission::too_many_from_address;
  }
  auto s = std::make_shared<session>(std::move(socket), shared_from_this(), std::move(address));
  {
    std::lock_guard lock(mutex);
    sessions.insert(s);
  }
  s->start(admitted);
  accept();
}

bool http_server::impl::evict_oldest_waiting() {
  // Held outside the lock: the last reference to a session may drop here, and its destructor
  // takes the lock.
  std::vector<std::shared_ptr<session>> waiting;
  {
    std::lock_guard lock(mutex);
    for (const auto& weak : sessions)
      if (auto s = weak.lock(); s && s->waiting_for_first_header()) waiting.push_back(std::move(s));
  }
  if (waiting.empty()) return false;
  const auto oldest = std::min_element(waiting.begin(), waiting.end(),
                                       [](const auto& a, const auto& b) { return a->accepted_at() < b->accepted_at(); });
  evictions.Increment();
  (*oldest)->evict_if_still_waiting();
  return true;
}

void http_server::impl::release_address(const std::string& address) {
  std::lock_guard lock(mutex);
  auto it = per_address.find(address);
  if (it != per_address.end() && --it->second == 0) per_address.erase(it);
}

void http_server::impl::session_closed(const std::weak_ptr<session>& s) {
  std::function<void()> done;
  {
    std::lock_guard lock(mutex);
    sessions.erase(s);
    if (stopping && sessions.empty() && on_drained) done = std::exchange(on_drained, nullptr);
  }
  if (done) {
    grace_timer.cancel();
    done();
  }
}

void http_server::impl::finish_shutdown() {
  std::vector<std::shared_ptr<session>> alive;
  std::function<void()> done;
  {
    std::lock_guard lock(mutex);
    for (auto& weak : sessions) {
      if (auto s = weak.lock()) alive.push_back(std::move(s));
    }
    if (alive.empty() && on_drained) done = std::exchange(on_drained, nullptr);
  }
  for (auto& s : alive) s->force_close();
  if (done) done();
}

namespace {

// Beast accepts any token as a method: labelled as sent, "FOO1 /", "FOO2 /", … would each add
// a counter until memory and /metrics gave out. The methods HTTP defines keep their name.
std::string method_label(const std::string& method) {
  static const std::set<std::string> known = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"};
  return known.count(method) ? method : "other";
}

}  // namespace

void http_server::impl::record(const std::string& route, const std::string& method, int status,
                               std::chrono::steady_clock::duration elapsed) {
  requests.Add({{"route", route}, {"method", method_label(method)}, {"status", std::to_string(status)}}).Increment();
  latency.Add({{"route", route}}, obs::metrics::latency_buckets())
      .Observe(std::chrono::duration<double>(elapsed).count());
}

http_server::http_server(asio::io_context& io, server_options options, router routes,
                         obs::metrics& metrics)
    : impl_(std::make_shared<impl>(io, std::move(options), std::move(routes), metrics)) {}

// The acceptor belongs to its strand: closing it from here could race an accept running on
// an io thread. The posted close keeps the state alive until it has run (or until the
// io_context is destroyed, which closes the acceptor anyway).
http_server::~http_server() {
  auto state = impl_;
  asio::post(state->acceptor.get_executor(), [state] {
    state->stopping = true;
    beast::error_code ignored;
    state->acceptor.close(ignored);
  });
}

void http_server::start() {
  auto& a = impl_->acceptor;
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) {
    throw std::runtime_error("listen address " + impl_->options.host + " is not an IP address");
  }
  tcp::endpoint endpoint{address, impl_->options.port};
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->options.host + ":" +
                             std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->bound_port = a.local_endpoint().port();
  impl_->accept();
}

unsigned short http_server::port() const { return impl_->bound_port; }

std::size_t http_server::open_connections() const { return impl_->open.load(); }

void http_server::shutdown(std::function<void()> done) {
  auto state = impl_;
  asio::dispatch(state->acceptor.get_executor(), [state, done = std::move(done)]() mutable {
    state->stopping = true;
    beast::error_code ignored;
    state->acceptor.close(ignored);
    std::vector<std::shared_ptr<session>> alive;
    {
      std::lock_guard lock(state->mutex);
      state->on_drained = std::move(done);
      for (auto& weak : state->sessions) {
        if (auto s = weak.lock()) alive.push_back(std::move(s));
      }
    }
    if (alive.empty()) return state->finish_shutdown();
    for (auto& s : alive) s->close_if_idle();
    state->grace_timer.expires_after(state->options.shutdown_grace);
    state->grace_timer.async_wait([state](beast::error_code ec) {
      if (!ec) state->finish_shutdown();
    });
  });
}

}  // namespace tutorbot::net
