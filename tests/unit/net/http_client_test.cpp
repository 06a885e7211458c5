#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/test/unit_test.hpp>

#include "net/http_client.hpp"
#include "tests/unit/net/test_tls.hpp"
#include "tests/support/eventually.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using namespace tutorbot::net;
using tutorbot::net::test::pem_credentials;
using tutorbot::net::test::pki;
using tutorbot::testing::eventually;

namespace {

enum class behaviour { normal, chunked, never_respond, huge_body, close_after_response };

struct recorded_request {
  std::string method, target, body;
  http::fields headers;
};

// A Beast server on 127.0.0.1:<ephemeral> with its own io_context and thread.
class test_server {
 public:
  // tls == nullopt: plain HTTP.
  explicit test_server(std::optional<pem_credentials> tls, behaviour mode = behaviour::normal)
      : mode_(mode), acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    if (tls) {
      tls_ctx_.emplace(ssl::context::tls_server);
      tls_ctx_->use_certificate_chain(asio::buffer(tls->certificate));
      tls_ctx_->use_private_key(asio::buffer(tls->private_key), ssl::context::pem);
    }
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~test_server() {
    ioc_.stop();
    thread_.join();
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return accepted_.load(); }
  std::vector<recorded_request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  class session;

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      ++accepted_;
      std::make_shared<session>(*this, std::move(socket))->start();
      accept();
    });
  }

  void record(recorded_request r) {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(r));
  }

  class session : public std::enable_shared_from_this<session> {
   public:
    session(test_server& server, tcp::socket socket) : server_(server) {
      if (server.tls_ctx_)
        secure_.emplace(std::move(socket), *server.tls_ctx_);
      else
        plain_.emplace(std::move(socket));
    }

    void start() {
      if (!secure_) return read();
      secure_->async_handshake(ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
        if (ec) return;  // the client rejected our certificate
        self->read();
      });
    }

   private:
    template <class F>
    void with_stream(F f) {
      if (secure_)
        f(*secure_);
      else
        f(*plain_);
    }
    beast::tcp_stream& tcp() { return secure_ ? beast::get_lowest_layer(*secure_) : *plain_; }

    void read() {
      parser_.emplace();
      parser_->body_limit(1 << 20);
      with_stream([this](auto& s) {
        http::async_read(s, buffer_, *parser_, beast::bind_front_handler(&session::on_read, shared_from_this()));
      });
    }

    void on_read(beast::error_code ec, std::size_t) {
      if (ec) return;
      auto req = parser_->release();
      server_.record({std::string(req.method_string()), std::string(req.target()), req.body(), req.base()});
      if (server_.mode_ == behaviour::never_respond) return read();  // stays pending until the server stops

      response_ = {http::status::ok, 11};
      response_.set(http::field::content_type, "text/plain");
      response_.set("X-Test", "yes");
      response_.keep_alive(req.keep_alive());
      switch (server_.mode_) {
        case behaviour::chunked:
          response_.body() = "hello chunked";
          response_.chunked(true);
          break;
        case behaviour::huge_body:
          response_.body() = std::string(256 * 1024, 'x');
          response_.chunked(true);
          break;
        default:
          response_.body() = "hello";
          response_.prepare_payload();
      }
      with_stream([this](auto& s) {
        http::async_write(s, response_, beast::bind_front_handler(&session::on_write, shared_from_this()));
      });
    }

    void on_write(beast::error_code ec, std::size_t) {
      if (ec) return;
      if (server_.mode_ == behaviour::close_after_response || !response_.keep_alive()) {
        beast::error_code ignored;
        tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
        tcp().close();
        return;
      }
      read();
    }

    test_server& server_;
    std::optional<beast::tcp_stream> plain_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
  };

  behaviour mode_;
  asio::io_context ioc_;
  std::optional<ssl::context> tls_ctx_;
  tcp::acceptor acceptor_;
  std::atomic<int> accepted_{0};
  mutable std::mutex mutex_;
  std::vector<recorded_request> requests_;
  std::thread thread_;
};

// The client's io_context on its own thread; fresh for every test case.
struct client_thread {
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  std::thread runner{[this] { ioc.run(); }};
  ~client_thread() {
    work.reset();
    runner.join();
  }
};

client_options trusting_test_ca() {
  client_options options;
  options.ca_file = pki().ca_file.string();
  return options;
}

client_request get(std::string url) {
  client_request request;
  request.method = "GET";
  request.url = std::move(url);
  return request;
}

std::string local_url(const test_server& server, const char* scheme = "https", const char* host = "127.0.0.1") {
  return std::string(scheme) + "://" + host + ":" + std::to_string(server.port()) + "/hello";
}

client_result send_and_wait(http_client& client, client_request request) {
  auto promise = std::make_shared<std::promise<client_result>>();
  auto result = promise->get_future();
  client.send(std::move(request), [promise](client_result r) { promise->set_value(std::move(r)); });
  BOOST_REQUIRE_MESSAGE(result.wait_for(30s) == std::future_status::ready, "send() did not complete within 30 s");
  return result.get();
}

const client_response& response_of(const client_result& result) {
  if (const auto* error = std::get_if<client_error>(&result))
    BOOST_FAIL("expected a response, got " << to_string(error->kind) << ": " << error->message);
  return std::get<client_response>(result);
}

const client_error& error_of(const client_result& result) {
  if (const auto* response = std::get_if<client_response>(&result))
    BOOST_FAIL("expected an error, got HTTP " << response->status);
  return std::get<client_error>(result);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_client_tests)

BOOST_FIXTURE_TEST_CASE(trusted_certificate_returns_status_body_and_headers, client_thread) {
  test_server server(pki().localhost);
  http_client client(ioc, trusting_test_ca());

  const auto result = send_and_wait(client, get(local_url(server, "https", "localhost")));

  const auto& response = response_of(result);
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.body == "hello");
  BOOST_TEST(response.header("x-TEST").value_or("") == "yes");
  BOOST_TEST(response.header("content-type").value_or("") == "text/plain");
}

BOOST_FIXTURE_TEST_CASE(certificate_for_another_host_name_is_a_certificate_error, client_thread) {
  test_server server(pki().wrong_host);
  http_client client(ioc, trusting_test_ca());

  const auto result = send_and_wait(client, get(local_url(server, "https", "localhost")));

  const auto& error = error_of(result);
  BOOST_TEST(to_string(error.kind) == "certificate");
  BOOST_TEST(error.message.find("hostname mismatch") != std::string::npos, error.message);
}

BOOST_FIXTURE_TEST_CASE(expired_certificate_is_a_certificate_error, client_thread) {
  test_server server(pki().expired);
  http_client client(ioc, trusting_test_ca());

  const auto result = send_and_wait(client, get(local_url(server)));

  const auto& error = error_of(result);
  BOOST_TEST(to_string(error.kind) == "certificate");
  BOOST_TEST(error.message.find("certificate has expired") != std::string::npos, error.message);
}

BOOST_FIXTURE_TEST_CASE(self_signed_certificate_outside_ca_file_is_a_certificate_error, client_thread) {
  test_server server(pki().self_signed);
  http_client client(ioc, trusting_test_ca());

  const auto result = send_and_wait(client, get(local_url(server)));

  BOOST_TEST(to_string(error_of(result).kind) == "certificate");
}

BOOST_FIXTURE_TEST_CASE(server_that_never_answers_yields_timeout, client_thread) {
  test_server server(pki().localhost, behaviour::never_respond);
  http_client client(ioc, trusting_test_ca());
  auto request = get(local_url(server));
  request.timeout = 300ms;

  const auto result = send_and_wait(client, request);

  BOOST_TEST(to_string(error_of(result).kind) == "timeout");
}

BOOST_FIXTURE_TEST_CASE(body_over_the_limit_yields_too_large, client_thread) {
  test_server server(pki().localhost, behaviour::huge_body);
  auto options = trusting_test_ca();
  options.max_response_bytes = 1024;
  http_client client(ioc, options);

  const auto result = send_and_wait(client, get(local_url(server)));

  BOOST_TEST(to_string(error_of(result).kind) == "too_large");
}

BOOST_FIXTURE_TEST_CASE(chunked_response_body_is_reassembled, client_thread) {
  test_server server(pki().localhost, behaviour::chunked);
  http_client client(ioc, trusting_test_ca());

  const auto result = send_and_wait(client, get(local_url(server)));

  BOOST_TEST(response_of(result).body == "hello chunked");
}

BOOST_FIXTURE_TEST_CASE(sequential_requests_to_one_host_reuse_one_connection, client_thread) {
  test_server server(pki().localhost);
  http_client client(ioc, trusting_test_ca());

  const auto first = send_and_wait(client, get(local_url(server)));
  const auto second = send_and_wait(client, get(local_url(server)));

  BOOST_TEST(response_of(first).status == 200);
  BOOST_TEST(response_of(second).status == 200);
  BOOST_TEST(server.connections() == 1);
}

BOOST_FIXTURE_TEST_CASE(request_after_server_closed_idle_connection_is_retried_on_a_fresh_one, client_thread) {
  test_server server(pki().localhost, behaviour::close_after_response);
  http_client client(ioc, trusting_test_ca());
  BOOST_TEST_REQUIRE(response_of(send_and_wait(client, get(local_url(server)))).status == 200);

  const auto second = send_and_wait(client, get(local_url(server)));

  BOOST_TEST(response_of(second).status == 200);
  BOOST_TEST(server.connections() == 2);
  BOOST_TEST(server.requests().size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(plain_http_to_a_public_host_is_insecure_scheme, client_thread) {
  http_client client(ioc);

  const auto result = send_and_wait(client, get("http://example.com/"));

  BOOST_TEST(to_string(error_of(result).kind) == "insecure_scheme");
}

BOOST_FIXTURE_TEST_CASE(plain_http_to_loopback_is_allowed, client_thread) {
  test_server server(std::nullopt);
  http_client client(ioc);

  const auto result = send_and_wait(client, get(local_url(server, "http")));

  BOOST_TEST(response_of(result).status == 200);
  BOOST_TEST(response_of(result).body == "hello");
}

BOOST_FIXTURE_TEST_CASE(malformed_urls_yield_bad_url, client_thread) {
  http_client client(ioc);

  for (const char* url : {"", "example.com/path", "ftp://example.com/", "https://", "https://:443/",
                          "https://host:99999/", "https://host:12x/", "https://user@host/", "https://ho st/",
                          "https://host/a b", "https://[::1/"}) {
    const auto result = send_and_wait(client, get(url));
    BOOST_TEST(to_string(error_of(result).kind) == "bad_url", "url: \"" << url << '"');
  }
}

BOOST_FIXTURE_TEST_CASE(post_body_and_custom_headers_arrive_intact, client_thread) {
  test_server server(pki().localhost);
  http_client client(ioc, trusting_test_ca());
  const std::string body = R"({"amount":4500,"currency":"eur"})";
  client_request request{.method = "POST",
                         .url = "https://127.0.0.1:" + std::to_string(server.port()) + "/v1/charges?expand=x",
                         .headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", "abc-123"}},
                         .body = body};

  BOOST_TEST_REQUIRE(response_of(send_and_wait(client, request)).status == 200);

  const auto seen = server.requests();
  BOOST_TEST_REQUIRE(seen.size() == 1u);
  BOOST_TEST(seen[0].method == "POST");
  BOOST_TEST(seen[0].target == "/v1/charges?expand=x");
  BOOST_TEST(seen[0].body == body);
  BOOST_TEST(seen[0].headers["Content-Type"] == "application/json");
  BOOST_TEST(seen[0].headers["Idempotency-Key"] == "abc-123");
  BOOST_TEST(seen[0].headers["Content-Length"] == std::to_string(body.size()));
  BOOST_TEST(seen[0].headers["Host"] == "127.0.0.1:" + std::to_string(server.port()));
  BOOST_TEST(seen[0].headers["User-Agent"] == "tutorbot/0.1");
}

BOOST_FIXTURE_TEST_CASE(shutdown_completes_a_pending_request_with_closed, client_thread) {
  test_server server(pki().localhost, behaviour::never_respond);
  http_client client(ioc, trusting_test_ca());
  auto promise = std::make_shared<std::promise<client_result>>();
  auto result = promise->get_future();
  client.send(get(local_url(server)), [promise](client_result r) { promise->set_value(std::move(r)); });
  BOOST_TEST_REQUIRE(eventually([&] { return server.requests().size() == 1; }));

  client.shutdown();

  BOOST_TEST_REQUIRE((result.wait_for(10s) == std::future_status::ready));
  BOOST_TEST(to_string(error_of(result.get()).kind) == "closed");
}

BOOST_AUTO_TEST_SUITE_END()
