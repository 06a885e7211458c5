// X-Chatwoot-Signature: what passes, and why each bad header is refused.
#include <chrono>
#include <string>

#include <boost/test/unit_test.hpp>

#include "net/chatwoot_signature.hpp"

using namespace tutorbot;
using namespace tutorbot::net;
using namespace std::chrono;

BOOST_AUTO_TEST_SUITE(chatwoot_signature)

namespace {
const sys_seconds sig_now{seconds{1'772'702'107}};
const std::string sig_body = R"({"event":"message_created","id":88123})";
const std::string sig_secret = "cw_webhook_secret_3f9a";
std::string ts(sys_seconds t) { return std::to_string(t.time_since_epoch().count()); }
std::string verdict(std::string_view signature, std::string_view timestamp, std::string_view body = sig_body,
                    std::string_view secret = sig_secret) {
  return std::string(to_string(verify_chatwoot_signature(signature, timestamp, body, secret, sig_now)));
}
}  // namespace

BOOST_AUTO_TEST_CASE(signature_is_hmac_sha256_of_timestamp_dot_body) {
  auto header = chatwoot_signature_header(sig_body, sig_secret, sig_now);
  BOOST_TEST(header.starts_with("sha256="));
  BOOST_TEST(header.size() == 7u + 64u);
  BOOST_TEST(verdict(header, ts(sig_now)) == "valid");
}

BOOST_AUTO_TEST_CASE(upper_case_hex_is_accepted) {
  auto header = chatwoot_signature_header(sig_body, sig_secret, sig_now);
  for (std::size_t i = 7; i < header.size(); ++i)
    if (header[i] >= 'a' && header[i] <= 'f') header[i] = static_cast<char>(header[i] - 'a' + 'A');
  BOOST_TEST(verdict(header, ts(sig_now)) == "valid");
}

BOOST_AUTO_TEST_CASE(altered_body_wrong_secret_or_other_timestamp_mismatch) {
  auto header = chatwoot_signature_header(sig_body, sig_secret, sig_now);
  BOOST_TEST(verdict(header, ts(sig_now), sig_body + " ") == "mismatch");
  BOOST_TEST(verdict(header, ts(sig_now), sig_body, "another_secret") == "mismatch");
  BOOST_TEST(verdict(header, ts(sig_now - seconds{1})) == "mismatch");  // the timestamp is signed too
}

BOOST_AUTO_TEST_CASE(timestamps_outside_300_seconds_are_refused_both_ways) {
  auto old_ts = sig_now - seconds{301}, edge_ts = sig_now - seconds{300}, future_ts = sig_now + seconds{301};
  BOOST_TEST(verdict(chatwoot_signature_header(sig_body, sig_secret, old_ts), ts(old_ts)) == "timestamp_too_old");
  BOOST_TEST(verdict(chatwoot_signature_header(sig_body, sig_secret, edge_ts), ts(edge_ts)) == "valid");
  BOOST_TEST(verdict(chatwoot_signature_header(sig_body, sig_secret, future_ts), ts(future_ts)) == "timestamp_in_future");
}

BOOST_AUTO_TEST_CASE(missing_and_malformed_headers_are_named) {
  auto header = chatwoot_signature_header(sig_body, sig_secret, sig_now);
  BOOST_TEST(verdict("", ts(sig_now)) == "missing_signature");
  BOOST_TEST(verdict(header, "") == "missing_timestamp");
  BOOST_TEST(verdict(header.substr(7), ts(sig_now)) == "malformed_signature");          // no scheme
  BOOST_TEST(verdict("sha1=" + header.substr(7), ts(sig_now)) == "malformed_signature");
  BOOST_TEST(verdict(header.substr(0, 70), ts(sig_now)) == "malformed_signature");      // too short
  BOOST_TEST(verdict("sha256=" + std::string(64, 'g'), ts(sig_now)) == "malformed_signature");
  BOOST_TEST(verdict(header, "17727021x7") == "malformed_timestamp");
  BOOST_TEST(verdict(header, ts(sig_now), sig_body, "") == "no_secret");
}

BOOST_AUTO_TEST_SUITE_END()
