// Webhook delivery from the Stripe sandbox: retries with backoff, and the knobs that make
// delivery as bad as Stripe allows (duplicates, loss, disorder).
#include <algorithm>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "net/stripe_signature.hpp"
#include "tests/support/stripe/fixture.hpp"

using namespace tutorbot;
namespace json = boost::json;
using testing::eventually;
using testing::stripe_webhook_fixture;

namespace {

std::string text(const json::value& v) { return std::string(v.as_string()); }

std::string event_id_of(const testing::received_webhook& w) {
  return text(json::parse(w.body).at("id"));
}

// Expires a fresh session through the API: exactly one event (checkout.session.expired).
std::string expire_one(const testing::stripe_api& api) {
  const auto id = text(api.create_session().at("id"));
  BOOST_REQUIRE(api.post("/v1/checkout/sessions/" + id + "/expire", {}).status == 200);
  return text(api.get("/v1/events", {{"limit", "1"}}).body.at("data").at(0).at("id"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stripe_sandbox_webhooks)

BOOST_FIXTURE_TEST_CASE(a_failing_endpoint_is_retried_until_it_answers_2xx, stripe_webhook_fixture) {
  receiver.fail_next(2, 500);
  const auto event = expire_one(api);
  BOOST_TEST(eventually([&] {
    auto d = sandbox.deliveries();
    return d.size() == 1 && d[0].outcome == "delivered";
  }));
  const auto record = sandbox.deliveries().at(0);
  BOOST_TEST(record.event_id == event);
  BOOST_TEST_REQUIRE(record.attempts.size() == 3u);
  BOOST_TEST(record.attempts[0].status == 500);
  BOOST_TEST(record.attempts[1].status == 500);
  BOOST_TEST(record.attempts[2].status == 200);
  const auto received = receiver.received();
  BOOST_TEST_REQUIRE(received.size() == 3u);
  // Every attempt is signed afresh and carries the same event.
  for (const auto& w : received) {
    BOOST_TEST(event_id_of(w) == event);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto verdict = net::verify_stripe_signature(w.signature, w.body, {testing::test_webhook_secret}, now);
    BOOST_TEST(net::to_string(verdict) == "valid");
  }
}

BOOST_FIXTURE_TEST_CASE(delivery_gives_up_after_the_last_attempt_and_the_event_stays_pending, stripe_webhook_fixture) {
  receiver.fail_next(100, 503);
  const auto event = expire_one(api);
  BOOST_TEST(eventually([&] {
    auto d = sandbox.deliveries();
    return d.size() == 1 && d[0].outcome == "failed";
  }));
  BOOST_TEST(sandbox.deliveries().at(0).attempts.size() == 5u);  // test_options: 5 attempts
  BOOST_TEST(api.get("/v1/events/" + event).body.at("pending_webhooks").as_int64() == 1);
}

BOOST_FIXTURE_TEST_CASE(an_unreachable_endpoint_is_retried_as_a_transport_error, stripe_webhook_fixture) {
  sandbox.set_webhook_endpoint("http://127.0.0.1:1/webhooks/stripe", testing::test_webhook_secret);
  expire_one(api);
  BOOST_TEST(eventually([&] {
    auto d = sandbox.deliveries();
    return d.size() == 1 && d[0].outcome == "failed";
  }));
  const auto record = sandbox.deliveries().at(0);
  BOOST_TEST(record.attempts.at(0).status == 0);
  BOOST_TEST(!record.attempts.at(0).error.empty());
}

BOOST_FIXTURE_TEST_CASE(the_duplicate_knob_delivers_each_event_twice, stripe_webhook_fixture) {
  sandbox.set_duplicate_deliveries(true);
  const auto event = expire_one(api);
  const auto received = receiver.wait_for(2);
  BOOST_TEST_REQUIRE(received.size() == 2u);
  BOOST_TEST(event_id_of(received[0]) == event);
  BOOST_TEST(event_id_of(received[1]) == event);
  const auto records = sandbox.deliveries();
  BOOST_TEST_REQUIRE(records.size() == 2u);
  BOOST_TEST(records[0].duplicate != records[1].duplicate);
}

BOOST_FIXTURE_TEST_CASE(the_drop_knob_loses_deliveries_but_the_events_stay_listed, stripe_webhook_fixture) {
  sandbox.drop_next_deliveries(1);
  const auto lost = expire_one(api);
  const auto kept = expire_one(api);
  const auto received = receiver.wait_for(1);
  BOOST_TEST_REQUIRE(received.size() == 1u);
  BOOST_TEST(event_id_of(received[0]) == kept);
  const auto records = sandbox.deliveries();
  BOOST_TEST_REQUIRE(records.size() == 2u);
  BOOST_TEST(records[0].event_id == lost);
  BOOST_TEST(records[0].outcome == "dropped");
  BOOST_TEST(records[0].attempts.empty());
  // A reconciler still finds it, still pending.
  auto listed = api.get("/v1/events/" + lost);
  BOOST_TEST(listed.status == 200);
  BOOST_TEST(listed.body.at("pending_webhooks").as_int64() == 1);
}

BOOST_FIXTURE_TEST_CASE(the_out_of_order_knob_holds_a_batch_and_sends_it_shuffled, stripe_webhook_fixture) {
  sandbox.set_out_of_order(3);
  std::vector<std::string> created{expire_one(api), expire_one(api)};
  BOOST_TEST(receiver.received().empty());
  const auto held = sandbox.deliveries();
  BOOST_TEST(std::all_of(held.begin(), held.end(), [](const auto& d) { return d.outcome == "held"; }));
  created.push_back(expire_one(api));

  BOOST_TEST_REQUIRE(receiver.wait_for(3).size() == 3u);
  auto records = sandbox.deliveries();
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.sent_order < b.sent_order; });
  std::vector<std::string> sent;
  for (const auto& r : records) sent.push_back(r.event_id);
  BOOST_TEST(sent != created);
  BOOST_TEST(std::is_permutation(sent.begin(), sent.end(), created.begin()));
}

BOOST_FIXTURE_TEST_CASE(turning_out_of_order_off_releases_what_was_held, stripe_webhook_fixture) {
  sandbox.set_out_of_order(10);
  expire_one(api);
  expire_one(api);
  BOOST_TEST(receiver.received().empty());
  sandbox.set_out_of_order(0);
  BOOST_TEST(receiver.wait_for(2).size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(resend_delivers_an_event_again, stripe_webhook_fixture) {
  const auto event = expire_one(api);
  BOOST_TEST_REQUIRE(receiver.wait_for(1).size() == 1u);
  auto a = api.raw("POST", "/sandbox/stripe/events/" + event + "/resend", "", "");
  BOOST_TEST(a.status == 200);
  const auto received = receiver.wait_for(2);
  BOOST_TEST_REQUIRE(received.size() == 2u);
  BOOST_TEST(event_id_of(received[1]) == event);
  BOOST_TEST(api.raw("POST", "/sandbox/stripe/events/evt_unknown/resend", "", "").status == 404);
}

BOOST_FIXTURE_TEST_CASE(the_webhook_knobs_are_reachable_over_http_without_showing_the_secret,
                        stripe_webhook_fixture) {
  auto a = api.raw("POST", "/sandbox/stripe/webhooks", R"({"duplicate":true,"drop_next":2})",
                   "Content-Type: application/json\r\n");
  BOOST_TEST_REQUIRE(a.status == 200);
  BOOST_TEST(a.body.at("duplicate").as_bool());
  BOOST_TEST(a.body.at("drop_next").as_int64() == 2);
  BOOST_TEST(a.body.at("secret_set").as_bool());
  BOOST_TEST(a.text.find(testing::test_webhook_secret) == std::string::npos);
  BOOST_TEST(text(a.body.at("url")) == receiver.url());

  expire_one(api);  // two deliveries (duplicated), both dropped
  auto listing = api.raw("GET", "/sandbox/stripe/deliveries", "", "");
  BOOST_TEST_REQUIRE(listing.body.at("data").as_array().size() == 2u);
  BOOST_TEST(text(listing.body.at("data").at(0).at("outcome")) == "dropped");
  BOOST_TEST(text(listing.body.at("data").at(1).at("outcome")) == "dropped");
}

BOOST_AUTO_TEST_CASE(without_an_endpoint_events_are_only_listed) {
  testing::stripe_sandbox_server server;
  testing::stripe_api api(server.port(), server.secret_key());
  const auto event = expire_one(api);
  BOOST_TEST(server.sandbox().deliveries().empty());
  BOOST_TEST(api.get("/v1/events/" + event).body.at("pending_webhooks").as_int64() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
