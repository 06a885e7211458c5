// The Stripe client against a scripted stand-in on loopback: which answers are retried
// (429, 5xx, Stripe-Should-Retry: true, no answer) and which are final (other 4xx,
// Stripe-Should-Retry: false, expire of a closed session), what every request carries,
// and that the secret key never reaches an error. The protocol-faithful sandbox tests
// are in stripe_client_sandbox_test.cpp; these pin the client's own decisions.
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include "net/form.hpp"
#include "net/http_client.hpp"
#include "net/stripe_client.hpp"
#include "tests/support/scripted_server.hpp"

using namespace tutorbot;
using namespace std::chrono;

namespace {

constexpr const char* secret_key = "sk_test_51Hq8TutorbotNeverLogMe";

const std::string session_json = R"({"id": "cs_test_a1b2", "object": "checkout.session", "status": "open",
  "payment_status": "unpaid", "payment_intent": null, "amount_total": 4500, "currency": "eur",
  "url": "https://checkout.stripe.com/c/pay/cs_test_a1b2", "client_reference_id": "7f3c",
  "metadata": {"order_id": "7f3c"}, "expires_at": 1767276120, "customer_email": null})";

net::server_response stripe_error_response(int status, std::string type, std::string message, std::string param = {}) {
  std::string body = R"({"error": {"type": ")" + type + R"(", "message": ")" + message + R"(")" +
                     (param.empty() ? std::string{} : R"(, "param": ")" + param + R"(")") + "}}";
  auto r = net::server_response::json(status, body);
  r.headers.push_back({"Request-Id", "req_TestRequest" + std::to_string(status)});
  return r;
}

// Answers every Stripe route from a script: the n-th request (0-based) gets script(request, n).
class scripted_stripe : public testing::scripted_server {
 public:
  using answer_fn = std::function<net::server_response(const net::server_request&, int)>;
  explicit scripted_stripe(answer_fn script)
      : scripted_server({{"POST", "/v1/checkout/sessions"},
                         {"GET", "/v1/checkout/sessions/{id}"},
                         {"POST", "/v1/checkout/sessions/{id}/expire"},
                         {"POST", "/v1/refunds"},
                         {"GET", "/v1/events"}},
                        [script = std::move(script)](const net::server_request& request, int n) {
                          return testing::scripted_answer{script(request, n)};
                        }) {}
};

// Our client on its own io_context thread, with fast retries.
class client_env {
 public:
  explicit client_env(std::string base_url, int max_attempts = 4, milliseconds deadline = milliseconds{10000})
      : work_(io_.get_executor()) {
    http_ = std::make_unique<net::http_client>(io_);
    net::stripe_options options;
    options.api_base = std::move(base_url) + "/";  // a trailing slash is tolerated
    options.secret_key = secret_key;
    options.success_url = "https://bijles.example.nl/betaling/gelukt";
    options.cancel_url = "https://bijles.example.nl/betaling/geannuleerd";
    options.backoff = {milliseconds{1}, milliseconds{8}, max_attempts};
    options.attempt_timeout = milliseconds{3000};
    options.deadline = deadline;
    options.now = [] { return system_clock::time_point{seconds{1767274200}}; };
    client_ = std::make_unique<net::stripe_client>(io_, *http_, options);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~client_env() {
    client_.reset();
    http_->shutdown();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  net::stripe_client& client() { return *client_; }

  template <class Result, class Call>
  Result await(Call call) {
    auto promise = std::make_shared<std::promise<Result>>();
    call([promise](Result r) { promise->set_value(std::move(r)); });
    auto future = promise->get_future();
    if (future.wait_for(seconds{15}) != std::future_status::ready) throw std::runtime_error("no answer within 15 s");
    return future.get();
  }

  net::checkout_result create(net::checkout_request request) {
    return await<net::checkout_result>([&](auto done) { client_->create_checkout_session(request, done); });
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<net::http_client> http_;
  std::unique_ptr<net::stripe_client> client_;
  std::thread thread_;
};

net::checkout_request lesson_request() {
  net::checkout_request r;
  r.line_items = {{"Bijles 60 min", domain::cents{4500}, 1, std::nullopt}};
  r.client_reference_id = "7f3c";
  r.metadata = {{"order_id", "7f3c"}};
  r.expires_at = sys_seconds{seconds{1767274200}} + minutes{20};  // the hold, 20 min from the client's "now"
  r.idempotency_key = "checkout-7f3c";
  return r;
}

net::stripe_error error_of(const net::checkout_result& r) {
  BOOST_REQUIRE(std::holds_alternative<net::stripe_error>(r));
  return std::get<net::stripe_error>(r);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stripe_client_retry)

BOOST_AUTO_TEST_CASE(create_sends_auth_version_idempotency_key_and_the_form) {
  scripted_stripe stripe([](const net::server_request&, int) { return net::server_response::json(200, session_json); });
  client_env env(stripe.base_url());
  auto result = env.create(lesson_request());
  BOOST_REQUIRE(std::holds_alternative<net::checkout_session>(result));
  const auto& s = std::get<net::checkout_session>(result);
  BOOST_TEST(s.id == "cs_test_a1b2");
  BOOST_TEST(s.url == "https://checkout.stripe.com/c/pay/cs_test_a1b2");

  auto requests = stripe.requests();
  BOOST_REQUIRE(requests.size() == 1u);
  const auto& r = requests[0];
  BOOST_TEST(r.method == "POST");
  BOOST_TEST(r.path == "/v1/checkout/sessions");
  BOOST_TEST(r.header("Authorization").value_or("") == std::string("Bearer ") + secret_key);
  BOOST_TEST(r.header("Stripe-Version").value_or("") == "2024-06-20");
  BOOST_TEST(r.header("Idempotency-Key").value_or("") == "checkout-7f3c");
  BOOST_TEST(r.header("Content-Type").value_or("") == "application/x-www-form-urlencoded");
  auto form = net::parse_form(r.body);
  BOOST_TEST(*net::find_field(form, "mode") == "payment");
  BOOST_TEST(*net::find_field(form, "line_items[0][price_data][unit_amount]") == "4500");
  BOOST_TEST(*net::find_field(form, "metadata[order_id]") == "7f3c");
  // The 20-minute hold was raised into Stripe's window: now + 30 min + 2 min margin.
  BOOST_TEST(*net::find_field(form, "expires_at") == std::to_string(1767274200 + 32 * 60));
}

BOOST_AUTO_TEST_CASE(rate_limited_create_is_retried_with_the_same_key_and_body) {
  scripted_stripe stripe([](const net::server_request&, int n) {
    if (n < 2) return stripe_error_response(429, "invalid_request_error", "Too many requests in a short period");
    return net::server_response::json(200, session_json);
  });
  client_env env(stripe.base_url());
  auto result = env.create(lesson_request());
  BOOST_TEST(std::holds_alternative<net::checkout_session>(result));
  auto requests = stripe.requests();
  BOOST_REQUIRE(requests.size() == 3u);
  for (const auto& r : requests) {
    BOOST_TEST(r.header("Idempotency-Key").value_or("") == "checkout-7f3c");
    BOOST_TEST(r.body == requests[0].body);
  }
}

BOOST_AUTO_TEST_CASE(server_error_is_retried_until_it_clears) {
  scripted_stripe stripe([](const net::server_request&, int n) {
    if (n == 0) return stripe_error_response(500, "api_error", "An unknown error occurred");
    return net::server_response::json(200, session_json);
  });
  client_env env(stripe.base_url());
  BOOST_TEST(std::holds_alternative<net::checkout_session>(env.create(lesson_request())));
  BOOST_TEST(stripe.requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(server_error_with_should_retry_false_is_final) {
  scripted_stripe stripe([](const net::server_request&, int) {
    auto r = stripe_error_response(500, "api_error", "An unknown error occurred");
    r.headers.push_back({"Stripe-Should-Retry", "false"});
    return r;
  });
  client_env env(stripe.base_url());
  auto e = error_of(env.create(lesson_request()));
  BOOST_CHECK(e.kind == net::stripe_error_kind::api);
  BOOST_TEST(e.http_status == 500);
  BOOST_TEST(stripe.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(client_error_with_should_retry_true_is_retried) {
  scripted_stripe stripe([](const net::server_request&, int n) {
    if (n > 0) return net::server_response::json(200, session_json);
    auto r = stripe_error_response(400, "invalid_request_error", "This object cannot be accessed right now");
    r.headers.push_back({"Stripe-Should-Retry", "true"});
    return r;
  });
  client_env env(stripe.base_url());
  BOOST_TEST(std::holds_alternative<net::checkout_session>(env.create(lesson_request())));
  BOOST_TEST(stripe.requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(invalid_request_surfaces_stripes_message_at_once) {
  scripted_stripe stripe([](const net::server_request&, int) {
    return stripe_error_response(400, "invalid_request_error",
                                 "The payment method type ideal requires the currency eur.", "payment_method_types");
  });
  client_env env(stripe.base_url());
  auto e = error_of(env.create(lesson_request()));
  BOOST_CHECK(e.kind == net::stripe_error_kind::invalid_request);
  BOOST_TEST(e.type == "invalid_request_error");
  BOOST_TEST(e.message == "The payment method type ideal requires the currency eur.");
  BOOST_TEST(e.param == "payment_method_types");
  BOOST_TEST(e.request_id == "req_TestRequest400");
  BOOST_TEST(stripe.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(persistent_server_errors_stop_after_the_attempt_bound) {
  scripted_stripe stripe([](const net::server_request&, int) {
    return stripe_error_response(503, "api_error", "Stripe is temporarily unavailable");
  });
  client_env env(stripe.base_url(), 3);
  auto e = error_of(env.create(lesson_request()));
  BOOST_CHECK(e.kind == net::stripe_error_kind::api);
  BOOST_TEST(e.http_status == 503);
  BOOST_TEST(stripe.requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(deadline_ends_a_call_that_keeps_failing_and_names_the_last_error) {
  scripted_stripe stripe([](const net::server_request&, int) {
    return stripe_error_response(500, "api_error", "An unknown error occurred");
  });
  // Long enough for a first answer on a loaded machine, so there is a last error to name.
  client_env env(stripe.base_url(), 1000000, milliseconds{2000});
  auto e = error_of(env.create(lesson_request()));
  BOOST_CHECK(e.kind == net::stripe_error_kind::deadline);
  BOOST_TEST(e.message.find("last error: api 500") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_answer_is_a_transport_error_after_the_retries) {
  std::string closed_base;
  {
    scripted_stripe gone([](const net::server_request&, int) { return net::server_response::json(200, "{}"); });
    closed_base = gone.base_url();
  }  // nothing listens on that port any more
  client_env env(closed_base, 3);
  auto e = error_of(env.create(lesson_request()));
  BOOST_CHECK(e.kind == net::stripe_error_kind::transport);
  BOOST_TEST(e.http_status == 0);
  BOOST_TEST(!e.code.empty());
}

BOOST_AUTO_TEST_CASE(an_echoed_secret_key_never_reaches_the_error) {
  scripted_stripe stripe([](const net::server_request&, int) {
    return stripe_error_response(401, "invalid_request_error", std::string("Invalid API Key provided: ") + secret_key);
  });
  client_env env(stripe.base_url());
  auto e = error_of(env.create(lesson_request()));
  BOOST_CHECK(e.kind == net::stripe_error_kind::authentication);
  BOOST_TEST(e.message == "Invalid API Key provided: ***");
  BOOST_TEST(stripe.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(requests_we_cannot_send_are_refused_without_a_call) {
  scripted_stripe stripe([](const net::server_request&, int) { return net::server_response::json(200, session_json); });
  client_env env(stripe.base_url());
  auto request = lesson_request();
  request.idempotency_key = std::string(256, 'k');
  auto e = error_of(env.create(request));
  BOOST_CHECK(e.kind == net::stripe_error_kind::invalid_request);
  BOOST_TEST(e.http_status == 0);
  request = lesson_request();
  request.line_items.clear();
  BOOST_CHECK(error_of(env.create(request)).kind == net::stripe_error_kind::invalid_request);
  BOOST_TEST(stripe.requests().empty());
}

BOOST_AUTO_TEST_CASE(a_2xx_we_cannot_read_is_a_bad_response_not_retried) {
  scripted_stripe stripe([](const net::server_request&, int) { return net::server_response::json(200, R"({"object": "checkout.session"})"); });
  client_env env(stripe.base_url());
  auto e = error_of(env.create(lesson_request()));
  BOOST_CHECK(e.kind == net::stripe_error_kind::bad_response);
  BOOST_TEST(stripe.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(expiring_a_closed_session_is_session_not_open_and_final) {
  scripted_stripe stripe([](const net::server_request&, int) {
    return stripe_error_response(400, "invalid_request_error",
                                 "Only Checkout Sessions with a status in [\\\"open\\\"] can be expired. This Checkout "
                                 "Session has a status of `complete`.");
  });
  client_env env(stripe.base_url());
  auto result = env.await<net::checkout_result>(
      [&](auto done) { env.client().expire_checkout_session("cs_test_a1b2", "expire-7f3c", done); });
  auto e = error_of(result);
  BOOST_CHECK(e.kind == net::stripe_error_kind::session_not_open);
  BOOST_TEST(e.message.find("status of `complete`") != std::string::npos);
  auto requests = stripe.requests();
  BOOST_REQUIRE(requests.size() == 1u);
  BOOST_TEST(requests[0].path == "/v1/checkout/sessions/cs_test_a1b2/expire");
  BOOST_TEST(requests[0].header("Idempotency-Key").value_or("") == "expire-7f3c");
}

BOOST_AUTO_TEST_CASE(retrieve_is_a_get_without_idempotency_key_and_404_is_not_found) {
  scripted_stripe stripe([](const net::server_request& r, int) {
    if (r.path_params.at("id") == "cs_test_a1b2") return net::server_response::json(200, session_json);
    auto e = net::server_response::json(404, R"({"error": {"code": "resource_missing", "message": "No such checkout.session: 'cs_test_nope'", "param": "session", "type": "invalid_request_error"}})");
    return e;
  });
  client_env env(stripe.base_url());
  auto found = env.await<net::checkout_result>([&](auto done) { env.client().retrieve_checkout_session("cs_test_a1b2", done); });
  BOOST_TEST(std::holds_alternative<net::checkout_session>(found));
  auto missing = env.await<net::checkout_result>([&](auto done) { env.client().retrieve_checkout_session("cs_test_nope", done); });
  BOOST_CHECK(error_of(missing).kind == net::stripe_error_kind::not_found);
  BOOST_TEST(error_of(missing).code == "resource_missing");
  auto requests = stripe.requests();
  BOOST_REQUIRE(requests.size() == 2u);
  BOOST_TEST(requests[0].method == "GET");
  BOOST_TEST(!requests[0].header("Idempotency-Key").has_value());
  BOOST_TEST(requests[0].header("Stripe-Version").value_or("") == "2024-06-20");
}

BOOST_AUTO_TEST_CASE(refund_posts_its_form_and_parses_the_refund) {
  scripted_stripe stripe([](const net::server_request&, int) {
    return net::server_response::json(200, R"({"id": "re_3Pge", "object": "refund", "amount": 2250, "currency": "eur",
      "charge": "ch_3Pgd", "payment_intent": "pi_3Pgd", "status": "succeeded", "metadata": {"booking_id": "b-42"}})");
  });
  client_env env(stripe.base_url());
  net::refund_request request;
  request.payment_intent = "pi_3Pgd";
  request.amount = domain::cents{2250};
  request.reason = net::refund_reason::requested_by_customer;
  request.metadata = {{"booking_id", "b-42"}};
  request.idempotency_key = "refund-b-42";
  auto result = env.await<net::refund_result>([&](auto done) { env.client().create_refund(request, done); });
  BOOST_REQUIRE(std::holds_alternative<net::refund>(result));
  BOOST_CHECK(std::get<net::refund>(result).status == net::refund_status::succeeded);
  BOOST_TEST(std::get<net::refund>(result).amount.value == 2250);
  auto r = stripe.requests().at(0);
  BOOST_TEST(r.path == "/v1/refunds");
  BOOST_TEST(r.header("Idempotency-Key").value_or("") == "refund-b-42");
  BOOST_TEST(r.body == "payment_intent=pi_3Pgd&amount=2250&reason=requested_by_customer&metadata%5Bbooking_id%5D=b-42");
}

BOOST_AUTO_TEST_CASE(list_events_reads_one_page_with_the_filter_in_the_query) {
  scripted_stripe stripe([](const net::server_request&, int) {
    return net::server_response::json(200, R"({"object": "list", "url": "/v1/events", "has_more": true, "data": [
      {"id": "evt_2", "object": "event", "type": "checkout.session.expired", "created": 1767276200,
       "api_version": "2024-06-20", "data": {"object": {"id": "cs_test_a1b2", "object": "checkout.session", "status": "expired"}}},
      {"id": "evt_1", "object": "event", "type": "customer.created", "created": 1767276100,
       "api_version": "2024-06-20", "data": {"object": {"id": "cus_1", "object": "customer"}}}]})");
  });
  client_env env(stripe.base_url());
  net::event_filter filter;
  filter.created_gte = sys_seconds{seconds{1767270000}};
  filter.types = {"checkout.session.expired"};
  filter.limit = 2;
  auto result = env.await<net::event_page_result>([&](auto done) { env.client().list_events(filter, done); });
  BOOST_REQUIRE(std::holds_alternative<net::event_page>(result));
  const auto& page = std::get<net::event_page>(result);
  BOOST_TEST(page.has_more);
  BOOST_REQUIRE(page.events.size() == 2u);
  BOOST_CHECK(std::get<net::checkout_session>(page.events[0].object).status == net::checkout_status::expired);
  auto r = stripe.requests().at(0);
  BOOST_TEST(r.method == "GET");
  BOOST_TEST(r.query_param("created[gte]").value_or("") == "1767270000");
  BOOST_TEST(r.query_param("types[0]").value_or("") == "checkout.session.expired");
  BOOST_TEST(r.query_param("limit").value_or("") == "2");
}

BOOST_AUTO_TEST_SUITE_END()
