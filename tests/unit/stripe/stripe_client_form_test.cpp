// What the Stripe client sends, as pure values: the Checkout form field by field, the
// expires_at clamp, refund and event-list parameters, idempotency keys, redaction.
#include <string>

#include <boost/test/unit_test.hpp>

#include "net/stripe_client.hpp"

using namespace tutorbot;
using namespace tutorbot::net;
using namespace std::chrono;

namespace {

const sys_seconds now{seconds{1767274200}};  // 2026-01-01T13:30:00Z

stripe_options options() {
  stripe_options o;
  o.success_url = "https://bijles.example.nl/betaling/gelukt?session={CHECKOUT_SESSION_ID}";
  o.cancel_url = "https://bijles.example.nl/betaling/geannuleerd";
  o.expiry_margin = seconds{120};
  return o;
}

checkout_request lesson_request() {
  checkout_request r;
  r.line_items = {{"Bijles 60 min — wiskunde", domain::cents{4500}, 1, std::nullopt}};
  r.locale = domain::language::nl;
  r.customer_email = "ouder@example.nl";
  r.client_reference_id = "7f3c";
  r.metadata = {{"order_id", "7f3c"}, {"booking_id", "b-42"}};
  r.expires_at = now + hours{1};
  r.idempotency_key = "checkout-7f3c";
  return r;
}

std::string unix_text(sys_seconds t) { return std::to_string(t.time_since_epoch().count()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(stripe_client_form)

BOOST_AUTO_TEST_CASE(checkout_form_has_exactly_stripes_fields_in_order) {
  form_fields expected = {
      {"mode", "payment"},
      {"line_items[0][price_data][currency]", "eur"},
      {"line_items[0][price_data][unit_amount]", "4500"},
      {"line_items[0][price_data][product_data][name]", "Bijles 60 min — wiskunde"},
      {"line_items[0][quantity]", "1"},
      {"payment_method_types[0]", "card"},
      {"payment_method_types[1]", "ideal"},
      {"locale", "nl"},
      {"customer_email", "ouder@example.nl"},
      {"client_reference_id", "7f3c"},
      {"metadata[booking_id]", "b-42"},
      {"metadata[order_id]", "7f3c"},
      {"payment_intent_data[metadata][booking_id]", "b-42"},
      {"payment_intent_data[metadata][order_id]", "7f3c"},
      {"expires_at", unix_text(now + hours{1})},
      {"success_url", "https://bijles.example.nl/betaling/gelukt?session={CHECKOUT_SESSION_ID}"},
      {"cancel_url", "https://bijles.example.nl/betaling/geannuleerd"},
  };
  BOOST_CHECK(checkout_form(lesson_request(), now, options()) == expected);
}

BOOST_AUTO_TEST_CASE(checkout_form_encodes_to_stripes_nested_keys) {
  auto body = encode_form(checkout_form(lesson_request(), now, options()));
  BOOST_TEST(body.starts_with("mode=payment&line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=eur&"));
  BOOST_TEST(body.find("&customer_email=ouder%40example.nl&") != std::string::npos);
  BOOST_TEST(body.find("success_url=https%3A%2F%2Fbijles.example.nl%2Fbetaling%2Fgelukt%3Fsession%3D%7BCHECKOUT_SESSION_ID%7D") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(configured_price_id_replaces_price_data) {
  auto r = lesson_request();
  r.line_items = {{"Pakket 4 lessen", domain::cents{17000}, 1, std::string("price_1PgafmB7WZ01zgkW6dKueIc5")},
                  {"Bijles 90 min", domain::cents{6500}, 2, std::nullopt}};
  r.currency = "EUR";
  auto f = checkout_form(r, now, options());
  BOOST_TEST(*find_field(f, "line_items[0][price]") == "price_1PgafmB7WZ01zgkW6dKueIc5");
  BOOST_TEST(find_field(f, "line_items[0][price_data][unit_amount]") == nullptr);
  BOOST_TEST(*find_field(f, "line_items[0][quantity]") == "1");
  BOOST_TEST(*find_field(f, "line_items[1][price_data][currency]") == "eur");  // Stripe wants lower case
  BOOST_TEST(*find_field(f, "line_items[1][price_data][unit_amount]") == "6500");
  BOOST_TEST(*find_field(f, "line_items[1][quantity]") == "2");
}

BOOST_AUTO_TEST_CASE(optional_fields_are_left_out_when_empty) {
  auto r = lesson_request();
  r.customer_email.reset();
  r.client_reference_id.clear();
  r.metadata.clear();
  r.locale = domain::language::en;
  auto o = options();
  o.success_url.clear();
  o.cancel_url.clear();
  auto f = checkout_form(r, now, o);
  BOOST_TEST(find_field(f, "customer_email") == nullptr);
  BOOST_TEST(find_field(f, "client_reference_id") == nullptr);
  BOOST_TEST(find_field(f, "success_url") == nullptr);
  BOOST_TEST(find_field(f, "cancel_url") == nullptr);
  BOOST_TEST(*find_field(f, "locale") == "en");
  for (const auto& [key, value] : f) BOOST_TEST(key.find("metadata[") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(short_hold_expiry_is_raised_to_stripes_thirty_minutes_plus_margin) {
  // A 20-minute hold: Stripe would refuse expires_at 20 minutes out.
  BOOST_TEST(unix_text(clamp_checkout_expiry(now + minutes{20}, now, seconds{120})) == unix_text(now + minutes{32}));
  BOOST_TEST(unix_text(clamp_checkout_expiry(now - hours{1}, now, seconds{120})) == unix_text(now + minutes{32}));
  auto r = lesson_request();
  r.expires_at = now + minutes{20};
  BOOST_TEST(*find_field(checkout_form(r, now, options()), "expires_at") == unix_text(now + minutes{32}));
}

BOOST_AUTO_TEST_CASE(long_expiry_is_lowered_below_stripes_twenty_four_hours) {
  BOOST_TEST(unix_text(clamp_checkout_expiry(now + hours{72}, now, seconds{120})) ==
             unix_text(now + hours{24} - minutes{2}));
}

BOOST_AUTO_TEST_CASE(expiry_inside_the_window_is_kept) {
  BOOST_TEST(unix_text(clamp_checkout_expiry(now + hours{2}, now, seconds{120})) == unix_text(now + hours{2}));
  BOOST_TEST(unix_text(clamp_checkout_expiry(now + minutes{32}, now, seconds{120})) == unix_text(now + minutes{32}));
}

BOOST_AUTO_TEST_CASE(refund_form_sends_amount_reason_and_metadata_only_when_given) {
  refund_request r;
  r.payment_intent = "pi_3PgdKJB7WZ01zgkW0s1lVtIt";
  r.idempotency_key = "refund-b-42";
  BOOST_CHECK(refund_form(r) == (form_fields{{"payment_intent", "pi_3PgdKJB7WZ01zgkW0s1lVtIt"}}));
  r.amount = domain::cents{2250};
  r.reason = refund_reason::requested_by_customer;
  r.metadata = {{"booking_id", "b-42"}};
  BOOST_CHECK(refund_form(r) == (form_fields{{"payment_intent", "pi_3PgdKJB7WZ01zgkW0s1lVtIt"},
                                             {"amount", "2250"},
                                             {"reason", "requested_by_customer"},
                                             {"metadata[booking_id]", "b-42"}}));
}

BOOST_AUTO_TEST_CASE(events_query_filters_by_creation_types_and_cursor) {
  event_filter f;
  f.created_gte = now;
  f.starting_after = "evt_1Pgc76B7WZ01zgkWwyRHS12y";
  f.types = {"checkout.session.completed", "checkout.session.expired"};
  f.limit = 50;
  BOOST_TEST(events_query(f) ==
             "created%5Bgte%5D=1767274200&starting_after=evt_1Pgc76B7WZ01zgkWwyRHS12y&"
             "types%5B0%5D=checkout.session.completed&types%5B1%5D=checkout.session.expired&limit=50");
  event_filter all;
  all.limit = 1000;
  BOOST_TEST(events_query(all) == "limit=100");  // Stripe's maximum page
}

BOOST_AUTO_TEST_CASE(idempotency_keys_must_be_present_and_at_most_255_characters) {
  BOOST_TEST(idempotency_key_problem("checkout-7f3c").empty());
  BOOST_TEST(idempotency_key_problem(std::string(255, 'k')).empty());
  BOOST_TEST(!idempotency_key_problem("").empty());
  BOOST_TEST(idempotency_key_problem(std::string(256, 'k')).find("256") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(redact_removes_every_copy_of_the_secret) {
  BOOST_TEST(redact("Invalid API Key provided: sk_test_abc, again sk_test_abc", "sk_test_abc") ==
             "Invalid API Key provided: ***, again ***");
  BOOST_TEST(redact("nothing here", "sk_test_abc") == "nothing here");
  BOOST_TEST(redact("empty secret", "") == "empty secret");
}

BOOST_AUTO_TEST_CASE(enum_words_round_trip) {
  for (auto s : {checkout_status::open, checkout_status::complete, checkout_status::expired})
    BOOST_CHECK(parse_checkout_status(to_string(s)) == s);
  for (auto s : {checkout_payment_status::paid, checkout_payment_status::unpaid, checkout_payment_status::no_payment_required})
    BOOST_CHECK(parse_checkout_payment_status(to_string(s)) == s);
  for (auto s : {refund_status::pending, refund_status::requires_action, refund_status::succeeded, refund_status::failed,
                 refund_status::canceled})
    BOOST_CHECK(parse_refund_status(to_string(s)) == s);
  BOOST_CHECK(parse_refund_status("") == refund_status::unknown);
}

BOOST_AUTO_TEST_SUITE_END()
