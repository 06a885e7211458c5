// Injected faults and latency in the Stripe sandbox, by C++ and over the /_sandbox knobs.
#include <chrono>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/support/stripe/fixture.hpp"

using namespace tutorbot;
namespace json = boost::json;
using testing::lesson_session_form;
using testing::stripe_sandbox_fixture;

BOOST_AUTO_TEST_SUITE(stripe_sandbox_faults)

BOOST_FIXTURE_TEST_CASE(an_injected_429_has_stripes_rate_limit_body_then_calls_succeed, stripe_sandbox_fixture) {
  sandbox.fail_next(2, 429, "POST /v1/checkout/sessions");
  for (int i = 0; i < 2; ++i) {
    auto a = api.post("/v1/checkout/sessions", lesson_session_form());
    BOOST_TEST(a.status == 429);
    BOOST_TEST(a.error("type") == "invalid_request_error");
    BOOST_TEST(a.error("code") == "rate_limit");
    BOOST_TEST(a.error("message").starts_with("Request rate limit exceeded."));
    BOOST_TEST(a.header("Request-Id").starts_with("req_"));
  }
  BOOST_TEST(api.post("/v1/checkout/sessions", lesson_session_form()).status == 200);
}

BOOST_FIXTURE_TEST_CASE(an_injected_500_has_stripes_api_error_body, stripe_sandbox_fixture) {
  auto knob = api.raw("POST", "/sandbox/stripe/faults", R"({"count":1,"status":500})", "Content-Type: application/json\r\n");
  BOOST_TEST_REQUIRE(knob.status == 200);
  auto a = api.get("/v1/events");
  BOOST_TEST(a.status == 500);
  BOOST_TEST(a.error("type") == "api_error");
  BOOST_TEST(!a.error("message").empty());
  BOOST_TEST(api.get("/v1/events").status == 200);
}

BOOST_FIXTURE_TEST_CASE(a_fault_for_one_endpoint_leaves_the_others_alone, stripe_sandbox_fixture) {
  auto knob = api.raw("POST", "/sandbox/stripe/faults", R"({"count":1,"status":503,"endpoint":"POST /v1/refunds"})",
                      "Content-Type: application/json\r\n");
  BOOST_TEST_REQUIRE(knob.status == 200);
  BOOST_TEST(api.get("/v1/events").status == 200);
  BOOST_TEST(api.post("/v1/checkout/sessions", lesson_session_form()).status == 200);
  BOOST_TEST(api.post("/v1/refunds", {{"payment_intent", "pi_x"}}).status == 503);
  BOOST_TEST(api.post("/v1/refunds", {{"payment_intent", "pi_x"}}).status == 400);  // the fault is used up
}

BOOST_FIXTURE_TEST_CASE(a_route_pattern_names_an_endpoint_with_ids, stripe_sandbox_fixture) {
  const auto id = std::string(api.create_session().at("id").as_string());
  sandbox.fail_next(1, 429, "GET /v1/checkout/sessions/{id}");
  BOOST_TEST(api.get("/v1/checkout/sessions/" + id).status == 429);
  BOOST_TEST(api.get("/v1/checkout/sessions/" + id).status == 200);
}

BOOST_FIXTURE_TEST_CASE(a_bad_key_is_401_even_while_faults_are_armed, stripe_sandbox_fixture) {
  sandbox.fail_next(1, 429);
  testing::stripe_api stranger(server.port(), "sk_test_wrong");
  BOOST_TEST(stranger.get("/v1/events").status == 401);
  BOOST_TEST(api.get("/v1/events").status == 429);
}

BOOST_FIXTURE_TEST_CASE(the_fault_knob_refuses_a_malformed_body, stripe_sandbox_fixture) {
  BOOST_TEST(api.raw("POST", "/sandbox/stripe/faults", R"({"count":"two"})", "").status == 400);
  BOOST_TEST(api.raw("POST", "/sandbox/stripe/faults", R"({"count":1,"status":200})", "").status == 400);
}

BOOST_FIXTURE_TEST_CASE(latency_delays_every_answer, stripe_sandbox_fixture) {
  auto knob = api.raw("POST", "/sandbox/stripe/latency", R"({"ms":250})", "");
  BOOST_TEST_REQUIRE(knob.status == 200);
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(api.get("/v1/events").status == 200);
  BOOST_TEST((std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(250)));
  sandbox.set_latency(std::chrono::milliseconds(0));
}

BOOST_FIXTURE_TEST_CASE(requests_are_counted, stripe_sandbox_fixture) {
  api.get("/v1/events");
  testing::stripe_api(server.port(), "").get("/v1/events");
  BOOST_TEST(sandbox.api_requests() == 2);
}

BOOST_AUTO_TEST_SUITE_END()
