// The Google Calendar client (net/google_*.cpp, net/retry.cpp, net/base32hex.cpp) against
// the in-process Google sandbox, which verifies our JWTs and answers like Google.
#include <algorithm>
#include <atomic>
#include <fstream>
#include <future>
#include <set>

#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "net/base32hex.hpp"
#include "net/google_calendar_json.hpp"
#include "net/http_client.hpp"
#include "net/retry.hpp"
#include "tests/support/loopback_server.hpp"
#include "tests/unit/google/google_client_env.hpp"

namespace net = tutorbot::net;
using namespace std::chrono;
using namespace std::chrono_literals;
using tutorbot::testing::google_client_env;
using tutorbot::testing::lesson_spec;

namespace {

const std::string tutor_calendar = "tutor-anna@tutorbot.test";
const std::string booking = "3f2b8c1e-9d4a-4e7b-8a6f-0c1d2e3f4a5b";
const sys_seconds lesson_start = sys_days{2026y / 12 / 3} + 15h;  // 16:00 in Amsterdam

// By value: callers pass temporaries.
template <class Value, class Result>
Value expect(const Result& result) {
  if (const auto* error = std::get_if<net::google_error>(&result))
    BOOST_FAIL("Google error " << net::to_string(error->kind) << " " << error->http_status << " "
                               << error->reason << ": " << error->message);
  return std::get<Value>(result);
}

template <class Result>
net::google_error expect_error(const Result& result) {
  BOOST_REQUIRE_MESSAGE(std::holds_alternative<net::google_error>(result), "expected a google_error");
  return std::get<net::google_error>(result);
}

std::string base64url_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-' ? 62 : c == '_' ? 63 : -1;
    BOOST_REQUIRE(v >= 0);
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(google_client_units)

BOOST_AUTO_TEST_CASE(base32hex_matches_rfc4648_vectors_lowercase_unpadded) {
  auto encode = [](std::string_view s) {
    return net::base32hex_encode({reinterpret_cast<const unsigned char*>(s.data()), s.size()});
  };
  BOOST_TEST(encode("") == "");
  BOOST_TEST(encode("f") == "co");
  BOOST_TEST(encode("fo") == "cpng");
  BOOST_TEST(encode("foo") == "cpnmu");
  BOOST_TEST(encode("foob") == "cpnmuog");
  BOOST_TEST(encode("fooba") == "cpnmuoj1");
  BOOST_TEST(encode("foobar") == "cpnmuoj1e8");
}

BOOST_AUTO_TEST_CASE(event_id_for_booking_is_deterministic_and_valid_for_google) {
  auto id = net::event_id_for_booking(booking);
  BOOST_REQUIRE(id);
  BOOST_TEST(id->size() == 26u);
  BOOST_TEST(std::all_of(id->begin(), id->end(), [](char c) { return (c >= 'a' && c <= 'v') || (c >= '0' && c <= '9'); }));
  BOOST_TEST(*id == *net::event_id_for_booking("3F2B8C1E-9D4A-4E7B-8A6F-0C1D2E3F4A5B"));
  BOOST_TEST(*id != *net::event_id_for_booking("3f2b8c1e-9d4a-4e7b-8a6f-0c1d2e3f4a5c"));
  BOOST_TEST(*net::event_id_for_booking("00000000-0000-0000-0000-000000000000") == std::string(26, '0'));
  BOOST_TEST(!net::event_id_for_booking("3f2b8c1e9d4a4e7b8a6f0c1d2e3f4a5b"));
  BOOST_TEST(!net::event_id_for_booking("3f2b8c1e-9d4a-4e7b-8a6f-0c1d2e3f4a5g"));
}

BOOST_AUTO_TEST_CASE(rfc3339_times_from_google_parse_to_utc_instants) {
  using net::google_json::parse_rfc3339;
  const sys_seconds expected = sys_days{2026y / 3 / 29} + 14h;
  BOOST_TEST((parse_rfc3339("2026-03-29T14:00:00Z") == expected));
  BOOST_TEST((parse_rfc3339("2026-03-29T16:00:00+02:00") == expected));
  BOOST_TEST((parse_rfc3339("2026-03-29T13:30:00.000-00:30") == expected));
  BOOST_TEST((parse_rfc3339("2026-03-29") == sys_seconds{sys_days{2026y / 3 / 29}}));
  BOOST_TEST(!parse_rfc3339("2026-03-29T14:00:00"));
  BOOST_TEST(!parse_rfc3339("2026-02-30T14:00:00Z"));
  BOOST_TEST((parse_rfc3339("2026-03-29t14:00:00.5z") == expected));
  // Found by fuzz_rfc3339: fields out of range were taken as they came, and an offset of 41
  // hours carried year 0000 to year -1, which rfc3339() could not write back.
  for (auto bad : {"0000-01-01T00:00:00+41:00", "2026-03-29T25:00:00Z", "2026-03-29T14:61:00Z",
                   "2026-03-29T14:00:00.Z", "0000-01-01T00:00:00+01:00"})
    BOOST_TEST(!parse_rfc3339(bad), bad);
  BOOST_TEST(net::google_json::rfc3339(expected) == "2026-03-29T14:00:00Z");
}

// Found by fuzz_google_json: a reminder of 1E440 minutes threw out of the parser.
BOOST_AUTO_TEST_CASE(reminder_minutes_that_are_no_int_are_left_out) {
  const auto event = net::google_json::parse_event(
      R"({"id": "tb1", "reminders": {"useDefault": false, "overrides": [
          {"method": "email", "minutes": 1E440}, {"method": "popup", "minutes": 2.5},
          {"method": "popup", "minutes": -1E20}, {"method": "email", "minutes": 1440}]}})");
  BOOST_REQUIRE(event);
  BOOST_TEST(event->reminder_minutes == std::vector<int>{1440}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(backoff_ceiling_doubles_from_base_and_is_truncated_at_cap) {
  net::backoff_policy policy{200ms, 5000ms, 5};
  BOOST_TEST(net::backoff_ceiling(policy, 0).count() == 200);
  BOOST_TEST(net::backoff_ceiling(policy, 1).count() == 400);
  BOOST_TEST(net::backoff_ceiling(policy, 4).count() == 3200);
  BOOST_TEST(net::backoff_ceiling(policy, 5).count() == 5000);
  BOOST_TEST(net::backoff_ceiling(policy, 1000).count() == 5000);
}

BOOST_AUTO_TEST_CASE(backoff_delay_is_full_jitter_within_zero_and_ceiling) {
  net::backoff_policy policy{200ms, 5000ms, 5};
  BOOST_TEST(net::backoff_delay(policy, 3, 0.0).count() == 0);
  BOOST_TEST(net::backoff_delay(policy, 3, 1.0).count() == 1600);
  BOOST_TEST(net::backoff_delay(policy, 3, 0.5).count() == 800);
  for (int retry = 0; retry < 12; ++retry) {
    std::set<long long> seen;
    for (int i = 0; i < 200; ++i) {
      auto d = net::backoff_delay(policy, retry);
      BOOST_TEST(d.count() >= 0);
      BOOST_TEST((d <= net::backoff_ceiling(policy, retry)));
      seen.insert(d.count());
    }
    BOOST_TEST(seen.size() > 10u, "retry " << retry << " is not jittered");
  }
}

BOOST_AUTO_TEST_CASE(retry_async_stops_after_max_attempts_and_delivers_the_last_outcome) {
  boost::asio::io_context io;
  std::atomic<int> attempts{0};
  int delivered = 0;
  net::retry_async(
      io, {1ms, 2ms, 4}, steady_clock::now() + 10s,
      [&](int n, net::attempt_report report) {
        ++attempts;
        report(net::attempt_verdict::retryable, [&delivered, n] { delivered = n; });
      },
      [] { BOOST_FAIL("deadline must not fire"); });
  io.run_for(10s);
  BOOST_TEST(attempts.load() == 4);
  BOOST_TEST(delivered == 4);
}

BOOST_AUTO_TEST_CASE(retry_async_ends_with_deadline_during_a_backoff) {
  boost::asio::io_context io;
  bool timed_out = false;
  int attempts = 0;
  net::retry_async(
      io, {10s, 10s, 5}, steady_clock::now() + 50ms,
      [&](int, net::attempt_report report) {
        ++attempts;
        report(net::attempt_verdict::retryable, [] { BOOST_FAIL("no outcome is delivered after the deadline"); });
      },
      [&] { timed_out = true; });
  auto started = steady_clock::now();
  io.run_for(10s);
  BOOST_TEST(timed_out);
  BOOST_TEST(attempts == 1);
  BOOST_TEST((steady_clock::now() - started < 5s));
}

BOOST_AUTO_TEST_CASE(malformed_key_file_names_the_file_and_the_field) {
  auto dir = std::filesystem::temp_directory_path() / ("google_client_key_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream((dir / name).string()) << text;
    return (dir / name).string();
  };
  auto message = [](const std::string& path) {
    auto result = net::load_service_account(path);
    BOOST_REQUIRE(std::holds_alternative<net::key_file_error>(result));
    return std::get<net::key_file_error>(result).message;
  };
  std::string missing = write("missing.json", R"({"type":"service_account","client_email":"a@b","private_key_id":"k","token_uri":"https://oauth2.googleapis.com/token"})");
  BOOST_TEST(message(missing).find(missing) != std::string::npos);
  BOOST_TEST(message(missing).find("missing field \"private_key\"") != std::string::npos);
  std::string bad_pem = write("bad_pem.json", R"({"type":"service_account","client_email":"a@b","private_key":"-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n","private_key_id":"k","token_uri":"https://oauth2.googleapis.com/token"})");
  BOOST_TEST(message(bad_pem).find("\"private_key\" is invalid") != std::string::npos);
  std::string not_json = write("not_json.json", "{\"client_email\": ");
  BOOST_TEST(message(not_json).find("not valid JSON") != std::string::npos);
  BOOST_TEST(message((dir / "absent.json").string()).find("cannot read") != std::string::npos);
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(google_client)

BOOST_AUTO_TEST_CASE(jwt_assertion_carries_google_header_and_claims) {
  google_client_env env;
  auto key = std::get<net::service_account_key>(net::load_service_account(env.key_path()));
  auto now = sys_seconds{1'800'000'000s};
  std::string jwt = env.auth().make_assertion(system_clock::time_point{now});
  auto first = jwt.find('.'), second = jwt.find('.', first + 1);
  BOOST_REQUIRE(second != std::string::npos);
  auto header = boost::json::parse(base64url_decode(jwt.substr(0, first))).as_object();
  auto claims = boost::json::parse(base64url_decode(jwt.substr(first + 1, second - first - 1))).as_object();
  BOOST_TEST(header.at("alg").as_string() == "RS256");
  BOOST_TEST(header.at("typ").as_string() == "JWT");
  BOOST_TEST(header.at("kid").as_string() == key.private_key_id);
  BOOST_TEST(claims.at("iss").as_string() == key.client_email);
  BOOST_TEST(claims.at("scope").as_string() == "https://www.googleapis.com/auth/calendar");
  BOOST_TEST(claims.at("aud").as_string() == key.token_uri);
  BOOST_TEST(claims.at("iat").to_number<long long>() == 1'800'000'000);
  BOOST_TEST(claims.at("exp").to_number<long long>() == 1'800'003'600);
  BOOST_TEST(!claims.contains("sub"));

  boost::asio::io_context unused;
  net::http_client http(unused);
  net::google_auth_options delegated;
  delegated.subject = "planning@school.test";
  std::string with_sub = net::google_auth(http, key, delegated).make_assertion(system_clock::time_point{now});
  auto sub_claims = boost::json::parse(base64url_decode(with_sub.substr(with_sub.find('.') + 1,
                                                                        with_sub.rfind('.') - with_sub.find('.') - 1)));
  BOOST_TEST(sub_claims.at("sub").as_string() == "planning@school.test");
}

BOOST_AUTO_TEST_CASE(token_is_fetched_once_and_cached_across_calls) {
  google_client_env env;
  expect<net::calendar_event>(env.insert(tutor_calendar, lesson_spec(booking, lesson_start)));
  auto id = *net::event_id_for_booking(booking);
  expect<net::calendar_event>(env.get(tutor_calendar, id));
  expect<net::calendar_event>(env.get(tutor_calendar, id));
  BOOST_TEST(env.sandbox().token_requests() == 1);
}

BOOST_AUTO_TEST_CASE(token_is_refreshed_when_the_clock_passes_its_expiry) {
  // The client's clock starts 3570 s behind: the first token (expires_in 3600) then counts
  // as expired once the clock is set to real time, while Google still accepts both JWTs.
  google_client_env env(tutorbot::testing::fast_calendar_options(), -3570s);
  auto id = *net::event_id_for_booking(booking);
  expect<net::calendar_event>(env.insert(tutor_calendar, lesson_spec(booking, lesson_start)));
  expect<net::calendar_event>(env.get(tutor_calendar, id));
  BOOST_TEST(env.sandbox().token_requests() == 1);
  env.set_clock_offset(0s);
  expect<net::calendar_event>(env.get(tutor_calendar, id));
  BOOST_TEST(env.sandbox().token_requests() == 2);
}

BOOST_AUTO_TEST_CASE(rejected_token_401_is_refreshed_once_and_the_call_retried) {
  google_client_env env;
  expect<net::calendar_event>(env.insert(tutor_calendar, lesson_spec(booking, lesson_start)));
  env.sandbox().expire_tokens();
  int before = env.sandbox().calendar_requests();
  expect<net::calendar_event>(env.get(tutor_calendar, *net::event_id_for_booking(booking)));
  BOOST_TEST(env.sandbox().token_requests() == 2);
  BOOST_TEST(env.sandbox().calendar_requests() - before == 2);
}

BOOST_AUTO_TEST_CASE(insert_then_get_round_trips_our_fields) {
  google_client_env env;
  auto spec = lesson_spec(booking, lesson_start);
  const auto& inserted = expect<net::calendar_event>(env.insert(tutor_calendar, spec));
  BOOST_TEST(inserted.id == spec.id);
  auto got = env.get(tutor_calendar, spec.id);
  const auto& event = expect<net::calendar_event>(got);
  BOOST_TEST(event.id == spec.id);
  BOOST_TEST(event.summary == spec.summary);
  BOOST_TEST(event.description == spec.description);
  BOOST_TEST((event.start == spec.start));
  BOOST_TEST((event.end == spec.end));
  BOOST_TEST(event.time_zone == "Europe/Amsterdam");
  BOOST_TEST(event.private_properties.at("booking_id") == booking);
  BOOST_TEST(!event.reminders_use_default);
  BOOST_TEST(event.reminder_minutes == spec.reminder_minutes, boost::test_tools::per_element());
  BOOST_TEST(event.attendees.empty());
}

BOOST_AUTO_TEST_CASE(attendees_are_left_out_when_invites_are_off) {
  google_client_env env;
  auto spec = lesson_spec(booking, lesson_start);
  spec.attendees = {"sanne@student.test"};
  const auto& event = expect<net::calendar_event>(env.insert(tutor_calendar, spec, net::send_updates::none));
  BOOST_TEST(event.attendees.empty());
}

BOOST_AUTO_TEST_CASE(invites_without_delegation_are_refused_and_not_retried) {
  google_client_env env;
  auto spec = lesson_spec(booking, lesson_start);
  spec.attendees = {"sanne@student.test"};
  int before = env.sandbox().calendar_requests();
  const auto& error = expect_error(env.insert(tutor_calendar, spec, net::send_updates::all));
  BOOST_TEST((error.kind == net::google_error_kind::auth));
  BOOST_TEST(error.reason == "forbiddenForServiceAccounts");
  BOOST_TEST(env.sandbox().calendar_requests() - before == 1);
  BOOST_TEST(env.sandbox().event_ids(tutor_calendar).empty());
}

BOOST_AUTO_TEST_CASE(invites_with_delegation_carry_the_attendees) {
  google_client_env env(tutorbot::testing::fast_calendar_options(), 0s, "planning@school.test");
  auto spec = lesson_spec(booking, lesson_start);
  spec.attendees = {"sanne@student.test"};
  const auto& event = expect<net::calendar_event>(env.insert(tutor_calendar, spec, net::send_updates::all));
  BOOST_TEST(event.attendees == spec.attendees, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(insert_without_our_id_is_not_retried_after_a_server_error) {
  google_client_env env;
  auto spec = lesson_spec(booking, lesson_start);
  spec.id.clear();
  env.sandbox().fail_next(1, {503, "backendError"});
  int before = env.sandbox().calendar_requests();
  const auto& error = expect_error(env.insert(tutor_calendar, spec));
  BOOST_TEST((error.kind == net::google_error_kind::server));
  BOOST_TEST(env.sandbox().calendar_requests() - before == 1);
}

BOOST_AUTO_TEST_CASE(weekly_series_is_one_event_with_its_rrule) {
  google_client_env env;
  auto spec = lesson_spec(booking, lesson_start);
  spec.recurrence = {"RRULE:FREQ=WEEKLY;INTERVAL=1;COUNT=10"};
  expect<net::calendar_event>(env.insert(tutor_calendar, spec));
  const auto& event = expect<net::calendar_event>(env.get(tutor_calendar, spec.id));
  BOOST_TEST(event.recurrence == spec.recurrence, boost::test_tools::per_element());
  BOOST_TEST(env.sandbox().event_ids(tutor_calendar).size() == 1u);
}

BOOST_AUTO_TEST_CASE(insert_after_a_lost_answer_gets_409_confirms_by_get_and_leaves_one_event) {
  auto options = tutorbot::testing::fast_calendar_options();
  options.attempt_timeout = 1000ms;  // the quick answers fit it on a loaded machine too
  google_client_env env(options);
  env.sandbox().delay_next_insert_response(4s);
  int before = env.sandbox().calendar_requests();
  auto spec = lesson_spec(booking, lesson_start);
  const auto& event = expect<net::calendar_event>(env.insert(tutor_calendar, spec));
  BOOST_TEST(event.id == spec.id);
  BOOST_TEST(event.private_properties.at("booking_id") == booking);
  BOOST_TEST(env.sandbox().event_ids(tutor_calendar).size() == 1u);
  BOOST_TEST(env.sandbox().calendar_requests() - before == 3);  // insert, insert (409), get
}

BOOST_AUTO_TEST_CASE(insert_onto_an_id_held_by_another_event_is_a_conflict) {
  google_client_env env;
  auto spec = lesson_spec(booking, lesson_start);
  expect<net::calendar_event>(env.insert(tutor_calendar, spec));
  auto other = spec;
  other.private_properties["booking_id"] = "someone-else";
  const auto& error = expect_error(env.insert(tutor_calendar, other));
  BOOST_TEST((error.kind == net::google_error_kind::conflict));
  BOOST_TEST(error.http_status == 409);
}

BOOST_AUTO_TEST_CASE(rate_limit_429_three_times_then_succeeds_after_bounded_retries) {
  google_client_env env;
  expect<net::calendar_event>(env.insert(tutor_calendar, lesson_spec(booking, lesson_start)));
  env.sandbox().fail_next(3, {429, "rateLimitExceeded"});
  int before = env.sandbox().calendar_requests();
  expect<net::calendar_event>(env.get(tutor_calendar, *net::event_id_for_booking(booking)));
  BOOST_TEST(env.sandbox().calendar_requests() - before == 4);
}

BOOST_AUTO_TEST_CASE(rate_limit_429_beyond_max_attempts_fails_rate_limited) {
  auto options = tutorbot::testing::fast_calendar_options();
  options.backoff.max_attempts = 4;
  google_client_env env(options);
  env.sandbox().fail_next(10, {429, "rateLimitExceeded"});
  int before = env.sandbox().calendar_requests();
  const auto& error = expect_error(env.get(tutor_calendar, *net::event_id_for_booking(booking)));
  BOOST_TEST((error.kind == net::google_error_kind::rate_limited));
  BOOST_TEST(error.http_status == 429);
  BOOST_TEST(env.sandbox().calendar_requests() - before == 4);
}

BOOST_AUTO_TEST_CASE(user_rate_limit_403_is_retried) {
  google_client_env env;
  expect<net::calendar_event>(env.insert(tutor_calendar, lesson_spec(booking, lesson_start)));
  env.sandbox().fail_next(2, {403, "userRateLimitExceeded"});
  int before = env.sandbox().calendar_requests();
  expect<net::calendar_event>(env.get(tutor_calendar, *net::event_id_for_booking(booking)));
  BOOST_TEST(env.sandbox().calendar_requests() - before == 3);
}

BOOST_AUTO_TEST_CASE(server_error_500_is_retried) {
  google_client_env env;
  expect<net::calendar_event>(env.insert(tutor_calendar, lesson_spec(booking, lesson_start)));
  env.sandbox().fail_next(1, {500, "backendError"});
  int before = env.sandbox().calendar_requests();
  expect<net::calendar_event>(env.get(tutor_calendar, *net::event_id_for_booking(booking)));
  BOOST_TEST(env.sandbox().calendar_requests() - before == 2);
}

BOOST_AUTO_TEST_CASE(plain_403_is_not_retried_and_keeps_googles_message) {
  google_client_env env;
  env.sandbox().fail_next(1, {403, "forbidden"});
  int before = env.sandbox().calendar_requests();
  const auto& error = expect_error(env.get(tutor_calendar, *net::event_id_for_booking(booking)));
  BOOST_TEST((error.kind == net::google_error_kind::auth));
  BOOST_TEST(error.http_status == 403);
  BOOST_TEST(error.reason == "forbidden");
  BOOST_TEST(!error.message.empty());
  BOOST_TEST(env.sandbox().calendar_requests() - before == 1);
}

BOOST_AUTO_TEST_CASE(missing_event_404_is_not_retried) {
  google_client_env env;
  int before = env.sandbox().calendar_requests();
  const auto& error = expect_error(env.get(tutor_calendar, *net::event_id_for_booking(booking)));
  BOOST_TEST((error.kind == net::google_error_kind::not_found));
  BOOST_TEST(error.http_status == 404);
  BOOST_TEST(!error.message.empty());
  BOOST_TEST(env.sandbox().calendar_requests() - before == 1);
}

BOOST_AUTO_TEST_CASE(delete_twice_both_succeed) {
  google_client_env env;
  auto spec = lesson_spec(booking, lesson_start);
  expect<net::calendar_event>(env.insert(tutor_calendar, spec));
  expect<net::deleted>(env.remove(tutor_calendar, spec.id));
  expect<net::deleted>(env.remove(tutor_calendar, spec.id));
  BOOST_TEST(env.sandbox().event_ids(tutor_calendar).empty());
}

BOOST_AUTO_TEST_CASE(patch_moves_the_event) {
  google_client_env env;
  auto spec = lesson_spec(booking, lesson_start);
  expect<net::calendar_event>(env.insert(tutor_calendar, spec));
  net::calendar_event_times moved{spec.start + 24h, spec.end + 24h, "Europe/Amsterdam"};
  const auto& patched = expect<net::calendar_event>(env.patch(tutor_calendar, spec.id, moved));
  BOOST_TEST((patched.start == moved.start));
  const auto& event = expect<net::calendar_event>(env.get(tutor_calendar, spec.id));
  BOOST_TEST((event.start == moved.start));
  BOOST_TEST((event.end == moved.end));
  BOOST_TEST(event.summary == spec.summary);
}

BOOST_AUTO_TEST_CASE(free_busy_returns_an_event_added_by_hand) {
  google_client_env env;
  env.sandbox().add_event(tutor_calendar, R"({"summary":"Tandarts","start":{"dateTime":"2026-12-03T10:00:00+01:00"},"end":{"dateTime":"2026-12-03T11:30:00+01:00"}})");
  auto result = env.free_busy({tutor_calendar}, sys_days{2026y / 12 / 1}, sys_days{2026y / 12 / 8});
  const auto& map = expect<net::free_busy_map>(result);
  const auto& busy = map.at(tutor_calendar).busy;
  BOOST_REQUIRE_EQUAL(busy.size(), 1u);
  BOOST_TEST((busy[0].start == sys_days{2026y / 12 / 3} + 9h));
  BOOST_TEST((busy[0].end == sys_days{2026y / 12 / 3} + 10h + 30min));
  BOOST_TEST(map.at(tutor_calendar).errors.empty());
}

BOOST_AUTO_TEST_CASE(free_busy_reports_an_unknown_calendar_per_calendar) {
  google_client_env env;
  env.sandbox().remove_calendar("gone@tutorbot.test");
  const auto& map = expect<net::free_busy_map>(
      env.free_busy({tutor_calendar, "gone@tutorbot.test"}, sys_days{2026y / 12 / 1}, sys_days{2026y / 12 / 8}));
  BOOST_TEST(map.at(tutor_calendar).errors.empty());
  BOOST_REQUIRE_EQUAL(map.at("gone@tutorbot.test").errors.size(), 1u);
  BOOST_TEST((map.at("gone@tutorbot.test").errors[0].kind == net::google_error_kind::not_found));
  BOOST_TEST(map.at("gone@tutorbot.test").errors[0].reason == "notFound");
}

BOOST_AUTO_TEST_CASE(free_busy_splits_more_than_fifty_calendars_into_two_requests) {
  google_client_env env;
  std::vector<std::string> ids;
  for (int i = 0; i < 60; ++i) ids.push_back("tutor-" + std::to_string(i) + "@tutorbot.test");
  env.sandbox().add_event(ids[55], R"({"summary":"Les elders","start":{"dateTime":"2026-12-03T14:00:00Z"},"end":{"dateTime":"2026-12-03T15:00:00Z"}})");
  int before = env.sandbox().calendar_requests();
  const auto& map = expect<net::free_busy_map>(env.free_busy(ids, sys_days{2026y / 12 / 1}, sys_days{2026y / 12 / 8}));
  BOOST_TEST(env.sandbox().calendar_requests() - before == 2);
  BOOST_TEST(map.size() == 60u);
  BOOST_TEST(map.at(ids[55]).busy.size() == 1u);
  BOOST_TEST(map.at(ids[0]).busy.empty());
}

BOOST_AUTO_TEST_CASE(free_busy_splits_a_long_window_and_merges_across_the_seam) {
  google_client_env env;  // windows of at most 60 days
  // Busy across the seam at 2026-12-01 + 60 days = 2027-01-30.
  env.sandbox().add_event(tutor_calendar, R"({"summary":"Vakantie","start":{"dateTime":"2027-01-29T12:00:00Z"},"end":{"dateTime":"2027-01-31T12:00:00Z"}})");
  int before = env.sandbox().calendar_requests();
  const auto& map = expect<net::free_busy_map>(env.free_busy({tutor_calendar}, sys_days{2026y / 12 / 1}, sys_days{2027y / 3 / 1}));
  BOOST_TEST(env.sandbox().calendar_requests() - before == 2);
  const auto& busy = map.at(tutor_calendar).busy;
  BOOST_REQUIRE_EQUAL(busy.size(), 1u);
  BOOST_TEST((busy[0].start == sys_days{2027y / 1 / 29} + 12h));
  BOOST_TEST((busy[0].end == sys_days{2027y / 1 / 31} + 12h));
}

BOOST_AUTO_TEST_CASE(deadline_passes_under_injected_latency) {
  auto options = tutorbot::testing::fast_calendar_options();
  options.deadline = 300ms;
  google_client_env env(options);
  env.sandbox().set_latency(3s);
  auto started = steady_clock::now();
  const auto& error = expect_error(env.get(tutor_calendar, *net::event_id_for_booking(booking)));
  BOOST_TEST((error.kind == net::google_error_kind::deadline));
  BOOST_TEST((steady_clock::now() - started < 2s));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(google_token_answers)

// A token endpoint that answers a lifetime no whole number of seconds (or absurd) gave
// to_number an exception inside an I/O callback, which ended the process (issue 13).
BOOST_AUTO_TEST_CASE(an_odd_token_lifetime_is_a_bad_answer_not_a_crash) {
  for (const std::string lifetime : {"3599.5", "1e300", "-5", "\"3600\""}) {
    net::router routes;
    routes.add("POST", "/token", [lifetime](net::server_request&&, net::respond_fn respond) {
      respond(net::server_response::json(200, R"({"access_token":"ya29.x","token_type":"Bearer","expires_in":)" + lifetime + "}"));
    });
    tutorbot::testing::loopback_server token_endpoint(std::move(routes));
    auto key_path = (std::filesystem::temp_directory_path() / ("odd-lifetime-" + std::to_string(getpid()) + ".json")).string();
    auto command = std::string(TUTORBOT_SOURCE_DIR) + "/scripts/make_service_account.sh " + key_path +
                   " http://127.0.0.1:" + std::to_string(token_endpoint.port()) + "/token";
    BOOST_REQUIRE(std::system(command.c_str()) == 0);
    auto key = std::get<net::service_account_key>(net::load_service_account(key_path));
    boost::asio::io_context io;
    net::http_client http(io);
    net::google_auth auth(http, key, {});
    std::optional<net::token_result> answer;
    auth.get_token([&](net::token_result r) { answer = std::move(r); });
    io.run_for(std::chrono::seconds(10));
    BOOST_REQUIRE(answer);
    BOOST_REQUIRE(std::holds_alternative<net::google_error>(*answer));
    BOOST_TEST(std::get<net::google_error>(*answer).reason == "bad_token_response", lifetime);
    std::filesystem::remove(key_path);
  }
}

BOOST_AUTO_TEST_SUITE_END()
