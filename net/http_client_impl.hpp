#pragma once
// Inside the HTTP client (net/http_client.cpp, net/http_client_session.hpp): a pooled
// connection and the client's state, on one strand. Not for other files: the interface is
// http_client.hpp.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include "net/http_client.hpp"

namespace tutorbot::net {

namespace http_client_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

// Google and Stripe send well under 16 KiB of headers; anything bigger is not for us.
constexpr std::uint32_t response_header_limit = 64 * 1024;

using boost::beast::iequals;

inline bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

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

class client_session;

}  // namespace http_client_detail

// Everything below runs on `strand`: the pool, the session registry and every socket.
struct http_client::impl : std::enable_shared_from_this<impl> {
  using connection = http_client_detail::connection;
  using client_session = http_client_detail::client_session;
  using strand_type = http_client_detail::strand_type;
  using ssl_context = boost::asio::ssl::context;

  impl(boost::asio::io_context& ioc, client_options opts) : strand(boost::asio::make_strand(ioc)), options(std::move(opts)) {
    tls.set_verify_mode(boost::asio::ssl::verify_peer);
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
    boost::beast::error_code ec;
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
  ssl_context tls{ssl_context::tls_client};  // before `idle`: pooled streams refer to it
  std::map<std::string, std::deque<std::unique_ptr<connection>>> idle;
  std::map<const client_session*, std::weak_ptr<client_session>> active;
  bool closed = false;
};

}  // namespace tutorbot::net
