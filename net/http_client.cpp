#include "net/http_client.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <deque>
#include <map>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <stdexcept>

#include "net/url.hpp"

namespace tutorbot::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

// Google and Stripe send well under 16 KiB of headers; anything bigger is not for us.
constexpr std::uint32_t response_header_limit = 64 * 1024;

using boost::beast::iequals;

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// One TCP (and maybe TLS) connection with its read buffer; it moves between a session and
// the idle pool, so it must not carry any request state.
struct connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  steady::time_point idle_since{};

  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  // No TLS close_notify: waiting for the peer's reply could stall, and a truncation
  // attack is meaningless once we stop reading.
  void close() {
    beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().close();
  }
};

using strand_type = asio::strand<asio::io_context::executor_type>;

}  // namespace

std::optional<std::string> client_response::header(std::string_view name) const {
  for (const auto& h : headers)
    if (iequals(h.name, name)) return h.value;
  return std::nullopt;
}

std::string_view to_string(client_error_kind kind) {
  switch (kind) {
    case client_error_kind::bad_url: return "bad_url";
    case client_error_kind::insecure_scheme: return "insecure_scheme";
    case client_error_kind::resolve: return "resolve";
    case client_error_kind::connect: return "connect";
    case client_error_kind::tls: return "tls";
    case client_error_kind::certificate: return "certificate";
    case client_error_kind::timeout: return "timeout";
    case client_error_kind::too_large: return "too_large";
    case client_error_kind::protocol: return "protocol";
    case client_error_kind::closed: return "closed";
  }
  return "unknown";
}

class client_session;

// Everything below runs on `strand`: the pool, the session registry and every socket.
struct http_client::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& ioc, client_options opts) : strand(asio::make_strand(ioc)), options(std::move(opts)) {
    tls.set_verify_mode(ssl::verify_peer);
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
    beast::error_code ec;
    if (options.ca_file) {
      tls.load_verify_file(*options.ca_file, ec);
      if (ec)
        throw std::runtime_error("http client: cannot load ca_file \"" + *options.ca_file +
                                 "\": " + ec.message() + "; point it at a PEM bundle or unset it");
    } else {
      tls.set_default_verify_paths(ec);
      if (ec) throw std::runtime_error("http client: cannot load the system CA store: " + ec.message());
    }
  }

  void start(client_request request, std::function<void(client_result)> done);
  std::unique_ptr<connection> take_idle(const std::string& key);
  void put_idle(const std::string& key, std::unique_ptr<connection> conn);
  void prune_idle();
  void close_all();

  strand_type strand;
  client_options options;
  ssl::context tls{ssl::context::tls_client};  // before `idle`: pooled streams refer to it
  std::map<std::string, std::deque<std::unique_ptr<connection>>> idle;
  std::map<const client_session*, std::weak_ptr<client_session>> active;
  bool closed = false;
};

namespace {

bool peer_closed(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == ssl::error::stream_truncated;
}

}  // namespace

// One request, from URL to response, possibly over a pooled connection.
class client_session : public std::enable_shared_from_this<client_session> {
 public:
  client_session(std::shared_ptr<http_client::impl> owner, parsed_url url,
                 http::request<http::string_body> request, std::chrono::milliseconds timeout,
                 std::function<void(client_result)> done)
      : owner_(std::move(owner)),
        url_(std::move(url)),
        request_(std::move(request)),
        deadline_(steady::now() + timeout),
        done_(std::move(done)),
        resolver_(owner_->strand),
        resolve_timer_(owner_->strand) {}

  void start() {
    owner_->active[this] = weak_from_this();
    if (auto conn = owner_->take_idle(url_.pool_key())) {
      conn_ = std::move(conn);
      reused_ = true;
      write();
    } else {
      connect_fresh();
    }
  }

  // shutdown(): make the pending operation complete, its handler reports `closed`.
  void abort() {
    aborted_ = true;
    resolve_timer_.cancel();
    resolver_.cancel();
    if (conn_) conn_->close();
  }

 private:
  void connect_fresh() {
    reused_ = false;
    connect_deadline_ = std::min(deadline_, steady::now() + owner_->options.connect_timeout);
    resolve_timer_.expires_at(connect_deadline_);
    resolve_timer_.async_wait(beast::bind_front_handler(&client_session::on_resolve_timer, shared_from_this()));
    resolver_.async_resolve(url_.host, std::to_string(url_.port),
                            beast::bind_front_handler(&client_session::on_resolve, shared_from_this()));
  }

  void on_resolve_timer(beast::error_code ec) {
    if (ec) return;  // cancelled: the resolve finished first
    resolve_timed_out_ = true;
    resolver_.cancel();
  }

  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    resolve_timer_.cancel();
    if (ec) {
      if (resolve_timed_out_ && !aborted_) return fail(client_error_kind::timeout, "resolving " + url_.host + " timed out");
      return fail(kind_for(ec, client_error_kind::resolve), "resolving " + url_.host + ": " + ec.message());
    }
    conn_ = std::make_unique<connection>();
    if (url_.tls)
      conn_->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(owner_->strand, owner_->tls);
    else
      conn_->plain = std::make_unique<beast::tcp_stream>(owner_->strand);
    conn_->tcp().expires_at(connect_deadline_);
    conn_->tcp().async_connect(results, beast::bind_front_handler(&client_session::on_connect, shared_from_this()));
  }

  void on_connect(beast::error_code ec, const tcp::endpoint&) {
    if (ec) return fail(kind_for(ec, client_error_kind::connect), "connecting to " + where() + ": " + ec.message());
    if (!conn_->secure) return write();

    auto& stream = *conn_->secure;
    // SNI carries names only (RFC 6066 §3); IP literals are checked against the IP SAN.
    if (!is_ip_literal(url_.host) && !SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str()))
      return fail(client_error_kind::tls, "setting TLS server name for " + url_.host + " failed");
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback([host = url_.host](bool preverified, ssl::verify_context& ctx) {
      if (!preverified) return false;
      if (ssl::host_name_verification{host}(preverified, ctx)) return true;
      // Without this OpenSSL reports only "unspecified certificate verification error".
      X509_STORE_CTX_set_error(ctx.native_handle(), is_ip_literal(host) ? X509_V_ERR_IP_ADDRESS_MISMATCH
                                                                        : X509_V_ERR_HOSTNAME_MISMATCH);
      return false;
    });
    conn_->tcp().expires_at(connect_deadline_);
    stream.async_handshake(ssl::stream_base::client,
                           beast::bind_front_handler(&client_session::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec) {
      if (aborted_ || ec == beast::error::timeout)
        return fail(kind_for(ec, client_error_kind::tls), "TLS handshake with " + where() + ": " + ec.message());
      const long verify = SSL_get_verify_result(conn_->secure->native_handle());
      if (verify != X509_V_OK)
        return fail(client_error_kind::certificate, "certificate of " + where() + " rejected: " +
                                                        X509_verify_cert_error_string(verify));
      return fail(client_error_kind::tls, "TLS handshake with " + where() + " failed: " + ec.message());
    }
    write();
  }

  void write() {
    conn_->tcp().expires_at(deadline_);
    parser_.emplace();
    parser_->header_limit(response_header_limit);
    parser_->body_limit(owner_->options.max_response_bytes);
    auto handler = beast::bind_front_handler(&client_session::on_write, shared_from_this());
    if (conn_->secure)
      http::async_write(*conn_->secure, request_, std::move(handler));
    else
      http::async_write(*conn_->plain, request_, std::move(handler));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) {
      if (may_retry(ec)) return retry();
      return fail(kind_for(ec, client_error_kind::closed), "sending request to " + where() + ": " + ec.message());
    }
    auto handler = beast::bind_front_handler(&client_session::on_read, shared_from_this());
    if (conn_->secure)
      http::async_read(*conn_->secure, conn_->buffer, *parser_, std::move(handler));
    else
      http::async_read(*conn_->plain, conn_->buffer, *parser_, std::move(handler));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      if (may_retry(ec)) return retry();
      if (ec == http::error::body_limit || ec == http::error::header_limit || ec == http::error::buffer_overflow)
        return fail(kind_for(ec, client_error_kind::too_large),
                    "response from " + where() + " exceeds the limit (" + ec.message() + ")");
      if (peer_closed(ec))
        return fail(kind_for(ec, client_error_kind::closed), where() + " closed the connection before the response was complete");
      if (ec.category() == http::make_error_code(http::error::bad_version).category())
        return fail(kind_for(ec, client_error_kind::protocol), "malformed response from " + where() + ": " + ec.message());
      if (ec.category() == asio::error::get_ssl_category())
        return fail(kind_for(ec, client_error_kind::tls), "TLS error reading from " + where() + ": " + ec.message());
      return fail(kind_for(ec, client_error_kind::closed), "reading response from " + where() + ": " + ec.message());
    }

    // Only HTTP/1.1 with keep-alive semantics (and no read-until-eof body) may be reused.
    const bool reusable = parser_->get().version() == 11 && parser_->keep_alive() && conn_->buffer.size() == 0;
    auto message = parser_->release();
    client_response response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message)
      response.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    response.body = std::move(message.body());

    if (reusable && !owner_->closed) {
      conn_->tcp().expires_never();
      owner_->put_idle(url_.pool_key(), std::move(conn_));
    } else {
      conn_->close();
      conn_.reset();
    }
    finish(std::move(response));
  }

  // A pooled connection the server already closed fails before the server saw anything,
  // so sending again on a fresh connection cannot duplicate the request.
  bool may_retry(const beast::error_code& ec) const {
    return reused_ && !retried_ && !aborted_ && !parser_->got_some() && conn_->buffer.size() == 0 &&
           peer_closed(ec);
  }

  void retry() {
    retried_ = true;
    conn_->close();
    conn_.reset();
    connect_fresh();
  }

  client_error_kind kind_for(const beast::error_code& ec, client_error_kind otherwise) const {
    if (aborted_) return client_error_kind::closed;
    if (ec == beast::error::timeout) return client_error_kind::timeout;
    return otherwise;
  }

  std::string where() const { return url_.host + ":" + std::to_string(url_.port); }

  void fail(client_error_kind kind, std::string message) {
    if (aborted_) message = "http client shut down while talking to " + where();
    if (conn_) {
      conn_->close();
      conn_.reset();
    }
    finish(client_error{kind, std::move(message)});
  }

  void finish(client_result result) {
    if (finished_) return;
    finished_ = true;
    resolve_timer_.cancel();
    owner_->active.erase(this);
    auto done = std::move(done_);
    done(std::move(result));
  }

  std::shared_ptr<http_client::impl> owner_;
  parsed_url url_;
  http::request<http::string_body> request_;
  steady::time_point deadline_;
  steady::time_point connect_deadline_{};
  std::function<void(client_result)> done_;
  tcp::resolver resolver_;
  asio::steady_timer resolve_timer_;
  std::unique_ptr<connection> conn_;
  std::optional<http::response_parser<http::string_body>> parser_;
  bool reused_ = false;
  bool retried_ = false;
  bool resolve_timed_out_ = false;
  bool aborted_ = false;
  bool finished_ = false;
};

void http_client::impl::start(client_request request, std::function<void(client_result)> done) {
  if (closed) return done(client_error{client_error_kind::closed, "http client is shut down"});
  auto url = parse_url(request.url);
  if (!url)
    return done(client_error{client_error_kind::bad_url,
                             "malformed URL \"" + request.url + "\": expected http(s)://host[:port]/path?query"});
  if (!url->tls && !is_loopback_host(url->host))
    return done(client_error{client_error_kind::insecure_scheme,
                             "refusing plain http:// to " + url->host + ": use https:// (http only to loopback)"});

  http::request<http::string_body> req;
  req.version(11);
  const std::string method = request.method.empty() ? "GET" : request.method;
  if (const auto verb = http::string_to_verb(method); verb != http::verb::unknown)
    req.method(verb);
  else
    req.method_string(method);
  req.target(url->target);
  req.set(http::field::host, url->host_header());
  req.set(http::field::user_agent, options.user_agent);
  for (const auto& h : request.headers) {
    if (h.name.empty() || has_line_break(h.name) || has_line_break(h.value))
      return done(client_error{client_error_kind::protocol,
                               "request header \"" + h.name + "\" is empty or contains a line break"});
    // Framing is ours to decide: a caller's Content-Length could desynchronise the stream.
    if (iequals(h.name, "content-length") || iequals(h.name, "transfer-encoding")) continue;
    if (iequals(h.name, "host") || iequals(h.name, "user-agent"))
      req.set(h.name, h.value);
    else
      req.insert(h.name, h.value);
  }
  req.body() = std::move(request.body);
  req.prepare_payload();

  prune_idle();
  auto session = std::make_shared<client_session>(shared_from_this(), std::move(*url), std::move(req),
                                                  request.timeout, std::move(done));
  session->start();
}

std::unique_ptr<connection> http_client::impl::take_idle(const std::string& key) {
  const auto it = idle.find(key);
  if (it == idle.end()) return nullptr;
  auto& conns = it->second;
  std::unique_ptr<connection> found;
  while (!conns.empty() && !found) {
    auto conn = std::move(conns.back());  // most recently used: least likely closed by the server
    conns.pop_back();
    if (steady::now() - conn->idle_since < options.idle_keepalive)
      found = std::move(conn);
    else
      conn->close();
  }
  if (conns.empty()) idle.erase(it);
  return found;
}

void http_client::impl::put_idle(const std::string& key, std::unique_ptr<connection> conn) {
  if (options.max_idle_per_host == 0) return conn->close();
  auto& conns = idle[key];
  while (conns.size() >= options.max_idle_per_host) {
    conns.front()->close();
    conns.pop_front();
  }
  conn->idle_since = steady::now();
  conns.push_back(std::move(conn));
}

void http_client::impl::prune_idle() {
  const auto now = steady::now();
  for (auto it = idle.begin(); it != idle.end();) {
    auto& conns = it->second;
    while (!conns.empty() && now - conns.front()->idle_since >= options.idle_keepalive) {
      conns.front()->close();
      conns.pop_front();
    }
    it = conns.empty() ? idle.erase(it) : std::next(it);
  }
}

void http_client::impl::close_all() {
  closed = true;
  for (auto& [key, conns] : idle)
    for (auto& conn : conns) conn->close();
  idle.clear();
  const auto sessions = active;  // abort() leads to finish(), which edits `active` later
  for (const auto& [ptr, weak] : sessions)
    if (auto session = weak.lock()) session->abort();
}

http_client::http_client(asio::io_context& ioc, client_options options)
    : impl_(std::make_shared<impl>(ioc, std::move(options))) {}

http_client::~http_client() { shutdown(); }

void http_client::send(client_request request, std::function<void(client_result)> done) {
  asio::post(impl_->strand, [self = impl_, request = std::move(request), done = std::move(done)]() mutable {
    self->start(std::move(request), std::move(done));
  });
}

void http_client::shutdown() {
  asio::post(impl_->strand, [self = impl_] { self->close_all(); });
}

}  // namespace tutorbot::net
