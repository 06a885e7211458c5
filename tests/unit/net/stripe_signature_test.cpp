#include <boost/test/unit_test.hpp>

#include "net/crypto.hpp"
#include "net/stripe_signature.hpp"

using namespace tutorbot::net;
using namespace std::chrono;

namespace {

const sys_seconds now{seconds{1'790'000'000}};
const std::string body = R"({"id":"evt_1","type":"checkout.session.completed"})";
const std::vector<std::string> secrets = {"whsec_current"};

}  // namespace

BOOST_AUTO_TEST_SUITE(stripe_signature)

BOOST_AUTO_TEST_CASE(hmac_matches_the_rfc_4231_test_vector) {
  // RFC 4231 test case 2.
  BOOST_TEST(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

BOOST_AUTO_TEST_CASE(a_header_we_signed_verifies) {
  auto header = stripe_signature_header(body, "whsec_current", now);
  BOOST_TEST(to_string(verify_stripe_signature(header, body, secrets, now)) == "valid");
}

BOOST_AUTO_TEST_CASE(a_tampered_body_is_refused) {
  auto header = stripe_signature_header(body, "whsec_current", now);
  BOOST_TEST(to_string(verify_stripe_signature(header, body + " ", secrets, now)) == "no_matching_signature");
}

BOOST_AUTO_TEST_CASE(a_wrong_secret_is_refused) {
  auto header = stripe_signature_header(body, "whsec_other", now);
  BOOST_TEST(to_string(verify_stripe_signature(header, body, secrets, now)) == "no_matching_signature");
}

BOOST_AUTO_TEST_CASE(any_of_several_secrets_is_accepted_while_one_is_rolled) {
  auto header = stripe_signature_header(body, "whsec_next", now);
  BOOST_TEST(to_string(verify_stripe_signature(header, body, {"whsec_current", "whsec_next"}, now)) == "valid");
}

BOOST_AUTO_TEST_CASE(any_of_several_v1_values_may_match) {
  auto header = stripe_signature_header(body, "whsec_current", now);
  auto v1 = header.substr(header.find("v1="));
  auto t = header.substr(0, header.find(','));
  auto mixed = t + ",v1=" + std::string(64, '0') + "," + v1 + ",v0=abc";
  BOOST_TEST(to_string(verify_stripe_signature(mixed, body, secrets, now)) == "valid");
}

BOOST_AUTO_TEST_CASE(timestamps_outside_the_tolerance_are_refused_both_ways) {
  auto old_header = stripe_signature_header(body, "whsec_current", now - seconds{301});
  auto edge_header = stripe_signature_header(body, "whsec_current", now - seconds{300});
  auto future_header = stripe_signature_header(body, "whsec_current", now + seconds{301});
  BOOST_TEST(to_string(verify_stripe_signature(old_header, body, secrets, now)) == "timestamp_too_old");
  BOOST_TEST(to_string(verify_stripe_signature(edge_header, body, secrets, now)) == "valid");
  BOOST_TEST(to_string(verify_stripe_signature(future_header, body, secrets, now)) == "timestamp_in_future");
}

BOOST_AUTO_TEST_CASE(missing_and_malformed_headers_are_named) {
  BOOST_TEST(to_string(verify_stripe_signature("", body, secrets, now)) == "missing_header");
  BOOST_TEST(to_string(verify_stripe_signature("v1=abcd", body, secrets, now)) == "malformed_header");
  BOOST_TEST(to_string(verify_stripe_signature("t=1790000000", body, secrets, now)) == "malformed_header");
  BOOST_TEST(to_string(verify_stripe_signature("t=17x,v1=ab", body, secrets, now)) == "malformed_header");
}

BOOST_AUTO_TEST_SUITE_END()
