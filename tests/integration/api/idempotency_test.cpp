// Idempotency-Key on the mutating /api/ routes (issue 12.4): a timeout or a 503 is not a no,
// so a client retries with the same key and gets the first reply, never a second effect.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "db/idempotency.hpp"
#include "net/crypto.hpp"
#include "tests/integration/api/payment_service.hpp"

using namespace tutorbot;
using testing::payment_service;
namespace json = boost::json;

namespace {

testing::raw_response with_key(const payment_service& s, const std::string& key, const std::string& method,
                               const std::string& target, const std::string& body = "") {
  return testing::http_request(s.port(), method, target, body, testing::api_auth + "Idempotency-Key: " + key + "\r\n");
}

std::string hold_body(const std::string& start) {
  return R"({"tutor_id":"anouk","start":")" + start + R"(","duration_minutes":60,"student_ref":"student-1"})";
}

std::string error_of(const testing::raw_response& r) { return std::string(json::parse(r.body).at("error").as_string()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(idempotency)

BOOST_AUTO_TEST_CASE(a_retry_with_the_same_key_gets_the_first_reply_and_changes_nothing_more) {
  payment_service s("idem_replay");
  const auto start = s.free_start(7);
  auto first = with_key(s, "hold-1", "POST", "/api/v1/holds", hold_body(start));
  BOOST_REQUIRE_MESSAGE(first.status == 201, first.body);
  BOOST_TEST(first.header("Idempotent-Replayed").empty());
  auto again = with_key(s, "hold-1", "POST", "/api/v1/holds", hold_body(start));
  BOOST_TEST(again.status == 201);
  BOOST_TEST(again.body == first.body);
  BOOST_TEST(again.header("Idempotent-Replayed") == "true");
  BOOST_TEST(s.scalar("SELECT count(*) FROM bookings") == 1);

  // The same key with another request is refused, and changes nothing.
  auto other = with_key(s, "hold-1", "POST", "/api/v1/holds", hold_body(s.free_start(10)));
  BOOST_TEST(other.status == 422);
  BOOST_TEST(error_of(other) == "idempotency_key_reused");
  BOOST_TEST(s.scalar("SELECT count(*) FROM bookings") == 1);

  // Refusals are final answers too: replayed, not run again.
  const auto booking = std::string(json::parse(first.body).at("booking_id").as_string());
  auto refused = with_key(s, "confirm-1", "POST", "/api/v1/bookings/" + booking + "/confirm", "{}");
  BOOST_TEST(refused.status == 400);
  BOOST_TEST(with_key(s, "confirm-1", "POST", "/api/v1/bookings/" + booking + "/confirm", "{}").header(
                 "Idempotent-Replayed") == "true");

  auto cancelled = with_key(s, "cancel-1", "DELETE", "/api/v1/bookings/" + booking);
  BOOST_REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);
  auto cancelled_again = with_key(s, "cancel-1", "DELETE", "/api/v1/bookings/" + booking);
  BOOST_TEST(cancelled_again.body == cancelled.body);
  BOOST_TEST(cancelled_again.header("Idempotent-Replayed") == "true");
}

BOOST_AUTO_TEST_CASE(a_key_whose_first_request_still_runs_is_409_and_one_left_by_a_dead_process_runs_again) {
  payment_service s("idem_in_flight");
  const auto target = std::string("/api/v1/holds");
  const auto body = hold_body(s.free_start(7));
  db::connection conn(s.service.url);
  // The first request with the key is under way (its process holds the key, no reply yet).
  auto fingerprint = net::sha256_hex("POST " + target + "\n" + body);
  BOOST_REQUIRE(std::holds_alternative<db::first_use>(db::claim_idempotency_key(conn, "hold-2", fingerprint, std::chrono::seconds(120))));
  auto meanwhile = with_key(s, "hold-2", "POST", target, body);
  BOOST_TEST(meanwhile.status == 409);
  BOOST_TEST(error_of(meanwhile) == "idempotency_key_in_use");
  BOOST_TEST(s.scalar("SELECT count(*) FROM bookings") == 0);
  // That process died: past the in-flight limit, the next request with the key runs.
  s.scalar("WITH aged AS (UPDATE api_idempotency SET started_at = now() - interval '10 minutes' RETURNING 1) "
           "SELECT count(*) FROM aged");
  auto retried = with_key(s, "hold-2", "POST", target, body);
  BOOST_TEST(retried.status == 201, retried.body);
  BOOST_TEST(s.scalar("SELECT count(*) FROM bookings") == 1);
}

BOOST_AUTO_TEST_CASE(a_reply_whose_outcome_is_unknown_is_not_kept_and_a_bad_key_is_refused) {
  payment_service s("idem_unknown");
  db::connection conn(s.service.url);
  // A 5xx reply (a timeout: the effect may still happen) is forgotten: the retry runs again,
  // and the route's own idempotency makes that safe.
  BOOST_REQUIRE(std::holds_alternative<db::first_use>(db::claim_idempotency_key(conn, "k", "f", std::chrono::seconds(120))));
  db::forget_idempotency_key(conn, "k");
  BOOST_TEST(std::holds_alternative<db::first_use>(db::claim_idempotency_key(conn, "k", "f", std::chrono::seconds(120))));
  db::record_idempotent_reply(conn, "k", {201, "application/json", "{}"});
  db::forget_idempotency_key(conn, "k");  // a kept reply stays
  BOOST_TEST(std::holds_alternative<db::idempotent_reply>(db::claim_idempotency_key(conn, "k", "f", std::chrono::seconds(120))));

  auto bad = with_key(s, std::string(300, 'k'), "POST", "/api/v1/holds", hold_body(s.free_start(7)));
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(error_of(bad) == "bad_idempotency_key");
  BOOST_TEST(s.scalar("SELECT count(*) FROM bookings") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
