// The Stripe client against the protocol-faithful sandbox: Checkout Sessions from creation
// through the hosted page to completion, expiry and refund; idempotent replay; injected
// rate limits and server errors; the events list and signed webhooks parsed by
// parse_stripe_event.
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include "net/http_client.hpp"
#include "net/stripe_client.hpp"
#include "net/stripe_json.hpp"
#include "net/stripe_signature.hpp"
#include "tests/support/stripe/sandbox_server.hpp"
#include "tests/support/stripe/webhook_receiver.hpp"

using namespace tutorbot;
using namespace std::chrono;

namespace {

// A fresh sandbox and our client pointed at it, each on its own io_context thread.
class sandbox_env {
 public:
  explicit sandbox_env(std::optional<std::string> key = std::nullopt) : work_(io_.get_executor()) {
    http_ = std::make_unique<net::http_client>(io_);
    net::stripe_options options;
    options.api_base = stripe_.base_url();
    options.secret_key = key.value_or(stripe_.secret_key());
    options.success_url = "https://bijles.example.nl/betaling/gelukt?session={CHECKOUT_SESSION_ID}";
    options.cancel_url = "https://bijles.example.nl/betaling/geannuleerd";
    options.backoff = {milliseconds{1}, milliseconds{8}, 5};
    options.attempt_timeout = milliseconds{3000};
    options.deadline = milliseconds{10000};
    client_ = std::make_unique<net::stripe_client>(io_, *http_, options);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~sandbox_env() {
    client_.reset();
    http_->shutdown();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  testing::stripe_sandbox_server& server() { return stripe_; }
  sandbox::stripe_sandbox& sandbox() { return stripe_.sandbox(); }
  net::stripe_client& client() { return *client_; }

  template <class Result, class Call>
  Result await(Call call) {
    auto promise = std::make_shared<std::promise<Result>>();
    call([promise](Result r) { promise->set_value(std::move(r)); });
    auto future = promise->get_future();
    if (future.wait_for(seconds{15}) != std::future_status::ready) throw std::runtime_error("no answer within 15 s");
    return future.get();
  }

  net::checkout_result create(const net::checkout_request& r) {
    return await<net::checkout_result>([&](auto done) { client_->create_checkout_session(r, done); });
  }
  net::checkout_result retrieve(const std::string& id) {
    return await<net::checkout_result>([&](auto done) { client_->retrieve_checkout_session(id, done); });
  }
  net::checkout_result expire(const std::string& id, const std::string& key) {
    return await<net::checkout_result>([&](auto done) { client_->expire_checkout_session(id, key, done); });
  }
  net::refund_result refund(const net::refund_request& r) {
    return await<net::refund_result>([&](auto done) { client_->create_refund(r, done); });
  }
  net::event_page_result events(const net::event_filter& f) {
    return await<net::event_page_result>([&](auto done) { client_->list_events(f, done); });
  }

  // What the customer does on the hosted page: "pay", "fail" or "expire" (a JSON answer).
  net::client_response click(const std::string& page_url, const std::string& action, const std::string& method = {}) {
    net::client_request request;
    request.method = "POST";
    request.url = page_url + "/" + action;
    request.headers = {{"Accept", "application/json"}, {"Content-Type", "application/x-www-form-urlencoded"}};
    if (!method.empty()) request.body = "payment_method_type=" + method;
    auto result = await<net::client_result>([&](auto done) { http_->send(request, done); });
    if (auto* error = std::get_if<net::client_error>(&result)) throw std::runtime_error(error->message);
    return std::get<net::client_response>(result);
  }

 private:
  testing::stripe_sandbox_server stripe_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<net::http_client> http_;
  std::unique_ptr<net::stripe_client> client_;
  std::thread thread_;
};

net::checkout_request lesson_request(const std::string& order) {
  net::checkout_request r;
  r.line_items = {{"Bijles 60 min — wiskunde", domain::cents{4500}, 1, std::nullopt}};
  r.customer_email = "ouder@example.nl";
  r.client_reference_id = order;
  r.metadata = {{"order_id", order}, {"booking_id", "b-" + order}};
  r.expires_at = floor<seconds>(system_clock::now()) + minutes{20};  // a 20-minute hold
  r.idempotency_key = "checkout-" + order;
  return r;
}

template <class T, class Result>
T value_of(const Result& r) {
  if (const auto* e = std::get_if<net::stripe_error>(&r))
    BOOST_FAIL("Stripe error " << net::to_string(e->kind) << " " << e->http_status << ": " << e->message);
  return std::get<T>(r);
}

template <class Result>
net::stripe_error error_of(const Result& r) {
  BOOST_REQUIRE(std::holds_alternative<net::stripe_error>(r));
  return std::get<net::stripe_error>(r);
}

net::checkout_session paid_session(sandbox_env& env, const std::string& order) {
  auto session = value_of<net::checkout_session>(env.create(lesson_request(order)));
  auto paid = env.click(session.url, "pay", "ideal");
  BOOST_REQUIRE_MESSAGE(paid.status == 200, paid.body);
  return value_of<net::checkout_session>(env.retrieve(session.id));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stripe_client_sandbox)

BOOST_AUTO_TEST_CASE(created_session_is_open_with_our_amount_metadata_and_a_page) {
  sandbox_env env;
  auto before = floor<seconds>(system_clock::now());
  const auto s = value_of<net::checkout_session>(env.create(lesson_request("7f3c")));
  BOOST_TEST(s.id.starts_with("cs_test_"));
  BOOST_CHECK(s.status == net::checkout_status::open);
  BOOST_CHECK(s.payment_status == net::checkout_payment_status::unpaid);
  BOOST_TEST(s.amount_total.value == 4500);
  BOOST_TEST(s.currency == "eur");
  BOOST_TEST(s.client_reference_id == "7f3c");
  BOOST_TEST(s.metadata.at("order_id") == "7f3c");
  BOOST_TEST(s.metadata.at("booking_id") == "b-7f3c");
  BOOST_TEST(s.url.starts_with(env.server().base_url() + "/checkout/"));
  // The 20-minute hold became Stripe's minimum plus our margin.
  BOOST_CHECK(s.expires_at >= before + minutes{32});
  BOOST_CHECK(s.expires_at <= floor<seconds>(system_clock::now()) + minutes{32});

  const auto again = value_of<net::checkout_session>(env.retrieve(s.id));
  BOOST_TEST(again.id == s.id);
  BOOST_TEST(again.url == s.url);
}

BOOST_AUTO_TEST_CASE(same_idempotency_key_replays_the_first_session) {
  sandbox_env env;
  auto request = lesson_request("7f3c");
  const auto first = value_of<net::checkout_session>(env.create(request));
  const auto second = value_of<net::checkout_session>(env.create(request));
  BOOST_TEST(second.id == first.id);
}

BOOST_AUTO_TEST_CASE(same_key_with_other_parameters_is_an_idempotency_error) {
  sandbox_env env;
  auto request = lesson_request("7f3c");
  value_of<net::checkout_session>(env.create(request));
  request.line_items[0].unit_amount = domain::cents{6500};
  const auto e = error_of(env.create(request));
  BOOST_CHECK(e.kind == net::stripe_error_kind::idempotency);
  BOOST_TEST(e.type == "idempotency_error");
}

BOOST_AUTO_TEST_CASE(injected_rate_limits_are_retried_with_the_same_key) {
  sandbox_env env;
  env.sandbox().fail_next(2, 429, "POST /v1/checkout/sessions");
  const int before = env.sandbox().api_requests();
  const auto s = value_of<net::checkout_session>(env.create(lesson_request("7f3c")));
  BOOST_TEST(env.sandbox().api_requests() - before == 3);
  // A later call with the key replays that very session: the retries made one, not three.
  BOOST_TEST(value_of<net::checkout_session>(env.create(lesson_request("7f3c"))).id == s.id);
}

BOOST_AUTO_TEST_CASE(injected_server_errors_are_retried) {
  sandbox_env env;
  env.sandbox().fail_next(2, 500, "POST /v1/checkout/sessions");
  const auto s = value_of<net::checkout_session>(env.create(lesson_request("7f3c")));
  env.sandbox().fail_next(1, 503, "GET /v1/checkout/sessions/{id}");
  const int before = env.sandbox().api_requests();
  BOOST_TEST(value_of<net::checkout_session>(env.retrieve(s.id)).id == s.id);
  BOOST_TEST(env.sandbox().api_requests() - before == 2);
}

BOOST_AUTO_TEST_CASE(faults_beyond_the_attempt_bound_surface_as_rate_limited) {
  sandbox_env env;
  env.sandbox().fail_next(10, 429, "POST /v1/checkout/sessions");
  const auto e = error_of(env.create(lesson_request("7f3c")));
  BOOST_CHECK(e.kind == net::stripe_error_kind::rate_limited);
  BOOST_TEST(e.http_status == 429);
}

BOOST_AUTO_TEST_CASE(paying_on_the_hosted_page_completes_the_session) {
  sandbox_env env;
  const auto s = paid_session(env, "7f3c");
  BOOST_CHECK(s.status == net::checkout_status::complete);
  BOOST_CHECK(s.payment_status == net::checkout_payment_status::paid);
  BOOST_TEST(s.payment_intent.starts_with("pi_"));
  BOOST_TEST(s.customer_email == "ouder@example.nl");
}

BOOST_AUTO_TEST_CASE(expiring_an_open_session_expires_it_and_a_repeat_replays) {
  sandbox_env env;
  const auto s = value_of<net::checkout_session>(env.create(lesson_request("7f3c")));
  const auto expired = value_of<net::checkout_session>(env.expire(s.id, "expire-7f3c"));
  BOOST_CHECK(expired.status == net::checkout_status::expired);
  // The same key after a lost answer: Stripe replays the success.
  BOOST_CHECK(value_of<net::checkout_session>(env.expire(s.id, "expire-7f3c")).status == net::checkout_status::expired);
  // Another key: Stripe's 400, recognisable and not retried.
  const int before = env.sandbox().api_requests();
  BOOST_CHECK(error_of(env.expire(s.id, "expire-7f3c-again")).kind == net::stripe_error_kind::session_not_open);
  BOOST_TEST(env.sandbox().api_requests() - before == 1);
}

BOOST_AUTO_TEST_CASE(expiring_a_paid_session_is_session_not_open) {
  sandbox_env env;
  const auto s = paid_session(env, "7f3c");
  const auto e = error_of(env.expire(s.id, "expire-7f3c"));
  BOOST_CHECK(e.kind == net::stripe_error_kind::session_not_open);
  BOOST_TEST(e.http_status == 400);
  BOOST_TEST(e.type == "invalid_request_error");
}

BOOST_AUTO_TEST_CASE(unknown_session_is_not_found) {
  sandbox_env env;
  const auto e = error_of(env.retrieve("cs_test_doesnotexist"));
  BOOST_CHECK(e.kind == net::stripe_error_kind::not_found);
  BOOST_TEST(e.code == "resource_missing");
  BOOST_CHECK(error_of(env.expire("cs_test_doesnotexist", "expire-x")).kind == net::stripe_error_kind::not_found);
}

BOOST_AUTO_TEST_CASE(wrong_secret_key_is_authentication_and_never_quoted) {
  const std::string wrong = "sk_test_wrongKeyThatMustNotLeak123";
  sandbox_env env(wrong);
  const auto e = error_of(env.create(lesson_request("7f3c")));
  BOOST_CHECK(e.kind == net::stripe_error_kind::authentication);
  BOOST_TEST(e.http_status == 401);
  BOOST_TEST(e.message.find(wrong) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(refund_of_a_paid_session_succeeds_once_per_key) {
  sandbox_env env;
  const auto s = paid_session(env, "7f3c");
  net::refund_request request;
  request.payment_intent = s.payment_intent;
  request.amount = domain::cents{2250};
  request.reason = net::refund_reason::requested_by_customer;
  request.metadata = {{"booking_id", "b-7f3c"}};
  request.idempotency_key = "refund-b-7f3c";
  const auto r = value_of<net::refund>(env.refund(request));
  BOOST_TEST(r.id.starts_with("re_"));
  BOOST_CHECK(r.status == net::refund_status::succeeded);
  BOOST_TEST(r.amount.value == 2250);
  BOOST_TEST(r.payment_intent == s.payment_intent);
  BOOST_TEST(r.metadata.at("booking_id") == "b-7f3c");
  BOOST_TEST(value_of<net::refund>(env.refund(request)).id == r.id);  // replayed, not refunded twice
}

BOOST_AUTO_TEST_CASE(refund_beyond_the_charge_is_stripes_invalid_request) {
  sandbox_env env;
  const auto s = paid_session(env, "7f3c");
  net::refund_request request;
  request.payment_intent = s.payment_intent;
  request.amount = domain::cents{9999};
  request.idempotency_key = "refund-too-much";
  const auto e = error_of(env.refund(request));
  BOOST_CHECK(e.kind == net::stripe_error_kind::invalid_request);
  BOOST_TEST(!e.message.empty());
}

BOOST_AUTO_TEST_CASE(events_list_filters_by_type_and_pages_with_starting_after) {
  sandbox_env env;
  const auto s = paid_session(env, "7f3c");
  net::event_filter completed;
  completed.types = {"checkout.session.completed"};
  const auto page = value_of<net::event_page>(env.events(completed));
  BOOST_REQUIRE(page.events.size() == 1u);
  const auto& e = page.events[0];
  BOOST_TEST(e.id.starts_with("evt_"));
  const auto* session = std::get_if<net::checkout_session>(&e.object);
  BOOST_REQUIRE(session);
  BOOST_TEST(session->id == s.id);
  BOOST_CHECK(session->payment_status == net::checkout_payment_status::paid);

  net::event_filter all;
  all.limit = 1;
  all.created_gte = floor<seconds>(system_clock::now()) - minutes{5};
  const auto first = value_of<net::event_page>(env.events(all));
  BOOST_REQUIRE(first.events.size() == 1u);
  BOOST_TEST(first.has_more);
  all.starting_after = first.events[0].id;
  const auto second = value_of<net::event_page>(env.events(all));
  BOOST_REQUIRE(second.events.size() == 1u);
  BOOST_TEST(second.events[0].id != first.events[0].id);
}

BOOST_AUTO_TEST_CASE(declined_payment_event_carries_the_error_message) {
  sandbox_env env;
  const auto s = value_of<net::checkout_session>(env.create(lesson_request("7f3c")));
  env.click(s.url, "fail", "card");
  net::event_filter failed;
  failed.types = {"payment_intent.payment_failed"};
  const auto page = value_of<net::event_page>(env.events(failed));
  BOOST_REQUIRE(page.events.size() == 1u);
  const auto* intent = std::get_if<net::payment_intent>(&page.events[0].object);
  BOOST_REQUIRE(intent);
  BOOST_TEST(intent->status == "requires_payment_method");
  BOOST_TEST(!intent->last_payment_error_message.empty());
  BOOST_CHECK(value_of<net::checkout_session>(env.retrieve(s.id)).status == net::checkout_status::open);
}

BOOST_AUTO_TEST_CASE(delivered_webhooks_verify_and_parse) {
  sandbox_env env;
  testing::webhook_receiver receiver;
  env.sandbox().set_webhook_endpoint(receiver.url(), "whsec_test_client");
  const auto s = paid_session(env, "7f3c");
  net::refund_request request;
  request.payment_intent = s.payment_intent;
  request.idempotency_key = "refund-b-7f3c";
  value_of<net::refund>(env.refund(request));

  // Paying and refunding emit (at least) checkout.session.completed and charge.refunded.
  bool completed = false, refunded = false;
  auto deadline = steady_clock::now() + seconds{5};
  std::vector<testing::received_webhook> got;
  while (!(completed && refunded) && steady_clock::now() < deadline) {
    got = receiver.wait_for(got.size() + 1, milliseconds{500});
    completed = refunded = false;
    for (const auto& w : got) {
      BOOST_CHECK(net::verify_stripe_signature(w.signature, w.body, {"whsec_test_client"},
                                               floor<seconds>(system_clock::now())) == net::signature_verdict::valid);
      auto parsed = net::parse_stripe_event(w.body);
      if (auto* error = std::get_if<net::stripe_parse_error>(&parsed)) BOOST_FAIL(error->message);
      const auto& e = std::get<net::stripe_event>(parsed);
      if (e.type == "checkout.session.completed") {
        completed = std::get<net::checkout_session>(e.object).id == s.id;
      } else if (e.type == "charge.refunded") {
        const auto& c = std::get<net::charge>(e.object);
        refunded = c.refunded && c.payment_intent == s.payment_intent && c.amount_refunded.value == 4500;
      }
    }
  }
  BOOST_TEST(completed);
  BOOST_TEST(refunded);
}

BOOST_AUTO_TEST_SUITE_END()
