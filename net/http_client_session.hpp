#pragma once
// Inside the HTTP client (net/http_client.cpp): one request, from URL to response, over a
// pooled connection or a new one (resolve, connect, TLS with the host's name checked), with
// its deadline. Not for other files: the interface is http_client.hpp.
#include <algorithm>
#include <cctype>
#include <memory>
#include <string>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>
#include <openssl/x509_vfy.h>

#include "net/http_client_impl.hpp"
#include "net/url.hpp"

namespace tutorbot::net::http_client_detail {

namespace http = beast::http;

inline bool peer_closed(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == ssl::error::stream_truncated;
}

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

}  // namespace tutorbot::net::http_client_detail
