// The Google Calendar sandbox over HTTP, as tutorbot's client and Google's own see it.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "net/http_server.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/google/sandbox_server.hpp"
#include "sandbox/google_sandbox.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_http.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
namespace json = boost::json;
using testing::http_request;
using testing::raw_response;

namespace {

const std::string calendar_scope = "https://www.googleapis.com/auth/calendar";

std::string base64url(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(buffer >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(buffer << (6 - bits)) & 63]);
  return out;
}

json::object read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).as_object();
}

// A service-account key file made by the project's script, its token_uri at `port`.
std::filesystem::path make_key_file(const std::filesystem::path& dir, unsigned short port) {
  std::filesystem::create_directories(dir);
  const auto path = dir / "sa.json";
  const std::string command = std::string(TUTORBOT_SOURCE_DIR) + "/scripts/make_service_account.sh " + path.string() +
                              " http://127.0.0.1:" + std::to_string(port) + "/token";
  BOOST_REQUIRE_EQUAL(std::system(command.c_str()), 0);
  return path;
}

// An RS256 JWT signed with the PEM key, as a service account signs its assertion.
std::string sign_jwt(const std::string& pem, const json::object& claims) {
  const std::string input = base64url(R"({"alg":"RS256","typ":"JWT"})") + "." + base64url(json::serialize(claims));
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  BOOST_REQUIRE(key);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t length = 0;
  BOOST_REQUIRE(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1);
  BOOST_REQUIRE(EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()),
                               input.size()) == 1);
  std::string signature(length, '\0');
  BOOST_REQUIRE(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                               reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1);
  signature.resize(length);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return input + "." + base64url(signature);
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The sandbox on an ephemeral loopback port with a fresh key file.
struct google_fixture {
  json::object claims(std::int64_t iat) const {
    return {{"iss", key.at("client_email")}, {"scope", calendar_scope}, {"aud", key.at("token_uri")},
            {"iat", iat}, {"exp", iat + 3600}};
  }

  raw_response token_request(const json::object& jwt_claims, const std::string* pem = nullptr) {
    const std::string assertion = sign_jwt(pem ? *pem : std::string(key.at("private_key").as_string()), jwt_claims);
    return http_request(port, "POST", "/token",
                        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion,
                        "Content-Type: application/x-www-form-urlencoded\r\n");
  }

  std::string token() {
    auto r = token_request(claims(unix_now()));
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return std::string(json::parse(r.body).at("access_token").as_string());
  }

  raw_response call(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::string& access_token = "") {
    const std::string bearer = access_token.empty() ? (cached.empty() ? cached = token() : cached) : access_token;
    return http_request(port, method, "/calendar/v3" + target, body,
                        "Authorization: Bearer " + bearer + "\r\nContent-Type: application/json\r\n");
  }

  json::object free_busy(const std::string& calendar, const std::string& from, const std::string& to,
                         const std::string& zone = "") {
    json::object request{{"timeMin", from}, {"timeMax", to}, {"items", json::array{json::object{{"id", calendar}}}}};
    if (!zone.empty()) request["timeZone"] = zone;
    auto r = call("POST", "/freeBusy", json::serialize(request));
    BOOST_REQUIRE_EQUAL(r.status, 200);
    return json::parse(r.body).as_object();
  }

  testing::google_sandbox_server server;
  unsigned short port = server.port();
  sandbox::google_calendar_sandbox* sandbox = &server.sandbox();
  std::filesystem::path dir = std::filesystem::path(server.key_path()).parent_path();
  json::object key = read_json_file(server.key_path());
  std::string cached;
};

json::value body_of(const raw_response& r) { return json::parse(r.body); }

std::string error_reason(const raw_response& r) {
  return std::string(body_of(r).at("error").at("errors").at(0).at("reason").as_string());
}

const std::string event_body = R"({"id":"booking00001","summary":"Wiskunde","description":"Intake",
  "start":{"dateTime":"2027-03-09T16:00:00+01:00","timeZone":"Europe/Amsterdam"},
  "end":{"dateTime":"2027-03-09T17:00:00+01:00","timeZone":"Europe/Amsterdam"},
  "extendedProperties":{"private":{"booking_id":"42"}},
  "reminders":{"useDefault":false,"overrides":[{"method":"email","minutes":1440}]}})";

json::array busy_of(const json::object& answer, const std::string& calendar) {
  return answer.at("calendars").at(calendar).at("busy").as_array();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(google_sandbox)

BOOST_FIXTURE_TEST_CASE(token_is_issued_for_a_jwt_signed_with_the_service_account_key, google_fixture) {
  auto r = token_request(claims(unix_now()));
  BOOST_TEST(r.status == 200);
  auto body = body_of(r).as_object();
  BOOST_TEST(body.at("token_type").as_string() == "Bearer");
  BOOST_TEST(body.at("expires_in").as_int64() == 3599);
  BOOST_TEST(!body.at("access_token").as_string().empty());
  BOOST_TEST(sandbox->token_requests() == 1);
}

BOOST_FIXTURE_TEST_CASE(token_is_refused_for_a_jwt_signed_by_another_key, google_fixture) {
  const auto other = read_json_file(make_key_file(dir / "other", port));
  const std::string other_pem(other.at("private_key").as_string());
  auto r = token_request(claims(unix_now()), &other_pem);
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.body == R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})");
  BOOST_TEST(sandbox->token_requests() == 0);
}

BOOST_FIXTURE_TEST_CASE(token_is_refused_for_a_wrong_audience, google_fixture) {
  auto c = claims(unix_now());
  c["aud"] = "https://example.com/token";
  auto r = token_request(c);
  BOOST_TEST(r.status == 400);
  BOOST_TEST(body_of(r).at("error").as_string() == "invalid_grant");
  BOOST_TEST(body_of(r).at("error_description").as_string().find("audience") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(token_is_refused_for_an_expired_jwt, google_fixture) {
  auto r = token_request(claims(unix_now() - 7200));
  BOOST_TEST(r.status == 400);
  BOOST_TEST(body_of(r).at("error").as_string() == "invalid_grant");
  BOOST_TEST(body_of(r).at("error_description").as_string().starts_with("Invalid JWT: Token must be a short-lived"));
}

BOOST_FIXTURE_TEST_CASE(token_is_refused_for_a_lifetime_over_an_hour, google_fixture) {
  auto c = claims(unix_now());
  c["exp"] = unix_now() + 7200;
  BOOST_TEST(token_request(c).status == 400);
}

BOOST_FIXTURE_TEST_CASE(token_is_refused_without_the_calendar_scope, google_fixture) {
  auto c = claims(unix_now());
  c.erase("scope");
  auto r = token_request(c);
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.body == R"({"error":"invalid_scope","error_description":"Empty or missing scope not allowed."})");
  c["scope"] = "https://www.googleapis.com/auth/drive";
  BOOST_TEST(body_of(token_request(c)).at("error").as_string() == "invalid_scope");
}

BOOST_FIXTURE_TEST_CASE(token_is_refused_for_a_wrong_grant_type, google_fixture) {
  auto r = http_request(port, "POST", "/token", "grant_type=client_credentials&assertion=x",
                        "Content-Type: application/x-www-form-urlencoded\r\n");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(body_of(r).at("error").as_string() == "unsupported_grant_type");
}

BOOST_FIXTURE_TEST_CASE(calendar_call_without_a_valid_token_gets_401, google_fixture) {
  auto missing = http_request(port, "GET", "/calendar/v3/calendars/a%40b.nl/events");
  BOOST_TEST(missing.status == 401);
  BOOST_TEST(error_reason(missing) == "required");
  auto wrong = call("GET", "/calendars/a%40b.nl/events", "", "ya29.not-issued-here");
  BOOST_TEST(wrong.status == 401);
  BOOST_TEST(body_of(wrong).at("error").at("code").as_int64() == 401);
  BOOST_TEST(body_of(wrong).at("error").at("message").as_string() == "Invalid Credentials");
  BOOST_TEST(error_reason(wrong) == "authError");
}

BOOST_FIXTURE_TEST_CASE(expired_tokens_get_401_and_a_new_token_works, google_fixture) {
  const auto first = token();
  BOOST_TEST(call("GET", "/calendars/a%40b.nl/events", "", first).status == 200);
  sandbox->expire_tokens();
  BOOST_TEST(call("GET", "/calendars/a%40b.nl/events", "", first).status == 401);
  BOOST_TEST(call("GET", "/calendars/a%40b.nl/events", "", token()).status == 200);
}

BOOST_FIXTURE_TEST_CASE(insert_answers_the_event_resource, google_fixture) {
  auto r = call("POST", "/calendars/anouk%40school.nl/events?sendUpdates=none", event_body);
  BOOST_TEST_REQUIRE(r.status == 200);
  auto event = body_of(r).as_object();
  BOOST_TEST(event.at("kind").as_string() == "calendar#event");
  BOOST_TEST(event.at("id").as_string() == "booking00001");
  BOOST_TEST(event.at("status").as_string() == "confirmed");
  BOOST_TEST(event.at("iCalUID").as_string() == "booking00001@google.com");
  for (auto field : {"etag", "htmlLink", "created", "updated", "creator", "organizer"})
    BOOST_TEST(event.contains(field), field);
  BOOST_TEST(event.at("extendedProperties").at("private").at("booking_id").as_string() == "42");
  BOOST_TEST(event.at("reminders").at("overrides").at(0).at("minutes").as_int64() == 1440);
  BOOST_TEST(sandbox->event_ids("anouk@school.nl") == std::vector<std::string>{"booking00001"});
}

BOOST_FIXTURE_TEST_CASE(insert_with_a_taken_id_gets_409_duplicate, google_fixture) {
  BOOST_TEST(call("POST", "/calendars/anouk%40school.nl/events", event_body).status == 200);
  auto again = call("POST", "/calendars/anouk%40school.nl/events", event_body);
  BOOST_TEST(again.status == 409);
  BOOST_TEST(error_reason(again) == "duplicate");
  BOOST_TEST(body_of(again).at("error").at("message").as_string() == "The requested identifier already exists.");
  BOOST_TEST(sandbox->event_ids("anouk@school.nl").size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(insert_with_an_id_outside_base32hex_gets_400, google_fixture) {
  auto body = json::parse(event_body).as_object();
  body["id"] = "Booking-1";
  auto r = call("POST", "/calendars/anouk%40school.nl/events", json::serialize(body));
  BOOST_TEST(r.status == 400);
  BOOST_TEST(error_reason(r) == "invalid");
}

BOOST_FIXTURE_TEST_CASE(attendees_need_domain_wide_delegation, google_fixture) {
  auto body = json::parse(event_body).as_object();
  body["attendees"] = json::array{json::object{{"email", "student@example.nl"}}};
  auto r = call("POST", "/calendars/anouk%40school.nl/events?sendUpdates=all", json::serialize(body));
  BOOST_TEST(r.status == 403);
  BOOST_TEST(error_reason(r) == "forbiddenForServiceAccounts");
  auto c = claims(unix_now());
  c["sub"] = "planning@school.nl";
  auto delegated = std::string(body_of(token_request(c)).at("access_token").as_string());
  auto ok = call("POST", "/calendars/anouk%40school.nl/events?sendUpdates=all", json::serialize(body), delegated);
  BOOST_TEST(ok.status == 200);
  BOOST_TEST(body_of(ok).at("attendees").at(0).at("responseStatus").as_string() == "needsAction");
}

BOOST_FIXTURE_TEST_CASE(get_patch_and_list_follow_google, google_fixture) {
  BOOST_TEST_REQUIRE(call("POST", "/calendars/anouk%40school.nl/events", event_body).status == 200);
  auto got = call("GET", "/calendars/anouk%40school.nl/events/booking00001");
  BOOST_TEST(got.status == 200);
  BOOST_TEST(body_of(got).at("summary").as_string() == "Wiskunde");
  BOOST_TEST(call("GET", "/calendars/anouk%40school.nl/events/nothere00").status == 404);

  auto patched = call("PATCH", "/calendars/anouk%40school.nl/events/booking00001",
                      R"({"start":{"dateTime":"2027-03-10T16:00:00+01:00","timeZone":"Europe/Amsterdam"},
                          "end":{"dateTime":"2027-03-10T17:00:00+01:00","timeZone":"Europe/Amsterdam"}})");
  BOOST_TEST_REQUIRE(patched.status == 200);
  auto event = body_of(patched).as_object();
  BOOST_TEST(event.at("start").at("dateTime").as_string() == "2027-03-10T16:00:00+01:00");
  BOOST_TEST(event.at("summary").as_string() == "Wiskunde");  // untouched fields stay
  BOOST_TEST(event.at("sequence").as_int64() == 1);
  BOOST_TEST(event.at("etag") != body_of(got).at("etag"));

  auto listed = call("GET", "/calendars/anouk%40school.nl/events?timeMin=2027-03-01T00:00:00Z&timeMax=2027-04-01T00:00:00Z");
  BOOST_TEST_REQUIRE(listed.status == 200);
  BOOST_TEST(body_of(listed).at("kind").as_string() == "calendar#events");
  BOOST_TEST(body_of(listed).at("items").as_array().size() == 1u);
  auto outside = call("GET", "/calendars/anouk%40school.nl/events?timeMin=2027-04-01T00:00:00Z");
  BOOST_TEST(body_of(outside).at("items").as_array().empty());
}

BOOST_FIXTURE_TEST_CASE(delete_answers_204_then_410_and_404_for_unknown, google_fixture) {
  BOOST_TEST_REQUIRE(call("POST", "/calendars/anouk%40school.nl/events", event_body).status == 200);
  auto first = call("DELETE", "/calendars/anouk%40school.nl/events/booking00001");
  BOOST_TEST(first.status == 204);
  BOOST_TEST(first.body.empty());
  auto second = call("DELETE", "/calendars/anouk%40school.nl/events/booking00001");
  BOOST_TEST(second.status == 410);
  BOOST_TEST(error_reason(second) == "deleted");
  BOOST_TEST(call("DELETE", "/calendars/anouk%40school.nl/events/nothere00").status == 404);
  BOOST_TEST(sandbox->event_ids("anouk@school.nl").empty());
  auto got = call("GET", "/calendars/anouk%40school.nl/events/booking00001");
  BOOST_TEST(body_of(got).at("status").as_string() == "cancelled");  // get always returns deleted events
}

BOOST_FIXTURE_TEST_CASE(freebusy_merges_events_and_skips_transparent_and_cancelled, google_fixture) {
  const std::string cal = "daan@school.nl";
  auto add = [&](const std::string& start, const std::string& end, const std::string& extra = "") {
    return sandbox->add_event(cal, R"({"start":{"dateTime":")" + start + R"("},"end":{"dateTime":")" + end + "\"}" +
                                       extra + "}");
  };
  add("2027-03-09T09:00:00Z", "2027-03-09T10:00:00Z");
  add("2027-03-09T09:30:00Z", "2027-03-09T11:00:00Z");
  add("2027-03-09T13:00:00Z", "2027-03-09T14:00:00Z", R"(,"transparency":"transparent")");
  add("2027-03-09T15:00:00Z", "2027-03-09T16:00:00Z", R"(,"status":"cancelled")");
  add("2027-03-09T17:00:00Z", "2027-03-09T18:00:00Z");
  auto answer = free_busy(cal, "2027-03-09T00:00:00Z", "2027-03-10T00:00:00Z");
  BOOST_TEST(answer.at("kind").as_string() == "calendar#freeBusy");
  BOOST_TEST(answer.at("timeMin").as_string() == "2027-03-09T00:00:00.000Z");
  BOOST_TEST(json::serialize(busy_of(answer, cal)) ==
             R"([{"start":"2027-03-09T09:00:00Z","end":"2027-03-09T11:00:00Z"},)"
             R"({"start":"2027-03-09T17:00:00Z","end":"2027-03-09T18:00:00Z"}])");
  auto local = free_busy(cal, "2027-03-09T00:00:00Z", "2027-03-10T00:00:00Z", "Europe/Amsterdam");
  BOOST_TEST(busy_of(local, cal).at(0).at("start").as_string() == "2027-03-09T10:00:00+01:00");
}

BOOST_FIXTURE_TEST_CASE(freebusy_expands_a_weekly_rrule_across_dst_at_the_same_local_time, google_fixture) {
  const std::string cal = "sanne@school.nl";
  // Tuesdays 16:00 Amsterdam from 16 March 2027; DST starts on 28 March; 30 March excluded.
  sandbox->add_event(cal, R"({"start":{"dateTime":"2027-03-16T16:00:00","timeZone":"Europe/Amsterdam"},
    "end":{"dateTime":"2027-03-16T17:00:00","timeZone":"Europe/Amsterdam"},
    "recurrence":["RRULE:FREQ=WEEKLY;COUNT=4","EXDATE;TZID=Europe/Amsterdam:20270330T160000"]})");
  auto answer = free_busy(cal, "2027-03-01T00:00:00Z", "2027-05-01T00:00:00Z", "Europe/Amsterdam");
  BOOST_TEST(json::serialize(busy_of(answer, cal)) ==
             R"([{"start":"2027-03-16T16:00:00+01:00","end":"2027-03-16T17:00:00+01:00"},)"
             R"({"start":"2027-03-23T16:00:00+01:00","end":"2027-03-23T17:00:00+01:00"},)"
             R"({"start":"2027-04-06T16:00:00+02:00","end":"2027-04-06T17:00:00+02:00"}])");
  auto utc = free_busy(cal, "2027-04-01T00:00:00Z", "2027-05-01T00:00:00Z");
  BOOST_TEST(busy_of(utc, cal).at(0).at("start").as_string() == "2027-04-06T14:00:00Z");
}

BOOST_FIXTURE_TEST_CASE(freebusy_expands_a_biweekly_rrule_with_until_and_all_day_events, google_fixture) {
  const std::string cal = "sanne@school.nl";
  sandbox->add_event(cal, R"({"start":{"dateTime":"2027-01-05T10:00:00+01:00","timeZone":"Europe/Amsterdam"},
    "end":{"dateTime":"2027-01-05T11:00:00+01:00","timeZone":"Europe/Amsterdam"},
    "recurrence":["RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20270202T225959Z"]})");
  sandbox->add_event(cal, R"({"summary":"Tandarts","start":{"date":"2027-01-07"},"end":{"date":"2027-01-08"}})");
  auto answer = free_busy(cal, "2027-01-01T00:00:00Z", "2027-03-01T00:00:00Z");
  BOOST_TEST(json::serialize(busy_of(answer, cal)) ==
             R"([{"start":"2027-01-05T09:00:00Z","end":"2027-01-05T10:00:00Z"},)"
             R"({"start":"2027-01-06T23:00:00Z","end":"2027-01-07T23:00:00Z"},)"
             R"({"start":"2027-01-19T09:00:00Z","end":"2027-01-19T10:00:00Z"},)"
             R"({"start":"2027-02-02T09:00:00Z","end":"2027-02-02T10:00:00Z"}])");
}

BOOST_FIXTURE_TEST_CASE(freebusy_reports_an_unknown_calendar_in_its_entry, google_fixture) {
  sandbox->remove_calendar("gone@school.nl");
  auto answer = free_busy("gone@school.nl", "2027-01-01T00:00:00Z", "2027-01-02T00:00:00Z");
  BOOST_TEST(answer.at("calendars").at("gone@school.nl").at("errors").at(0).at("reason").as_string() == "notFound");
  auto empty = call("POST", "/freeBusy", R"({"timeMin":"2027-01-02T00:00:00Z","timeMax":"2027-01-01T00:00:00Z"})");
  BOOST_TEST(empty.status == 400);
  BOOST_TEST(error_reason(empty) == "timeRangeEmpty");
}

BOOST_FIXTURE_TEST_CASE(an_event_added_by_hand_appears_in_freebusy, google_fixture) {
  const std::string hand = R"({"summary":"Tandarts","start":{"dateTime":"2027-03-09T14:00:00+01:00"},
    "end":{"dateTime":"2027-03-09T15:00:00+01:00"}})";
  auto r = http_request(port, "POST", "/sandbox/google/calendars/anouk%40school.nl/events", hand,
                        "Content-Type: application/json\r\n");
  BOOST_TEST_REQUIRE(r.status == 200);
  auto answer = free_busy("anouk@school.nl", "2027-03-09T00:00:00Z", "2027-03-10T00:00:00Z");
  BOOST_TEST(json::serialize(busy_of(answer, "anouk@school.nl")) ==
             R"([{"start":"2027-03-09T13:00:00Z","end":"2027-03-09T14:00:00Z"}])");
  auto listed = http_request(port, "GET", "/sandbox/google/calendars/anouk%40school.nl/events");
  BOOST_TEST(body_of(listed).at("items").as_array().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(injected_429_answers_then_success, google_fixture) {
  const auto bearer = token();
  sandbox->fail_next(2, {429, "rateLimitExceeded"});
  auto first = call("GET", "/calendars/a%40b.nl/events", "", bearer);
  BOOST_TEST(first.status == 429);
  BOOST_TEST(error_reason(first) == "rateLimitExceeded");
  BOOST_TEST(body_of(first).at("error").at("errors").at(0).at("domain").as_string() == "usageLimits");
  BOOST_TEST(call("GET", "/calendars/a%40b.nl/events", "", bearer).status == 429);
  BOOST_TEST(call("GET", "/calendars/a%40b.nl/events", "", bearer).status == 200);
  BOOST_TEST(sandbox->calendar_requests() == 3);
}

BOOST_FIXTURE_TEST_CASE(faults_knob_over_http_injects_403_user_rate_limit, google_fixture) {
  const auto bearer = token();
  auto knob = http_request(port, "POST", "/sandbox/google/faults",
                           R"({"count":1,"status":403,"reason":"userRateLimitExceeded"})");
  BOOST_TEST(knob.status == 200);
  auto r = call("GET", "/calendars/a%40b.nl/events", "", bearer);
  BOOST_TEST(r.status == 403);
  BOOST_TEST(error_reason(r) == "userRateLimitExceeded");
}

BOOST_FIXTURE_TEST_CASE(latency_knob_delays_every_answer, google_fixture) {
  const auto bearer = token();
  BOOST_TEST(http_request(port, "POST", "/sandbox/google/latency", R"({"ms":300})").status == 200);
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(call("GET", "/calendars/a%40b.nl/events", "", bearer).status == 200);
  BOOST_TEST((std::chrono::steady_clock::now() - start >= 300ms));
}

BOOST_FIXTURE_TEST_CASE(a_delayed_insert_is_applied_before_it_is_answered, google_fixture) {
  const auto bearer = token();
  sandbox->delay_next_insert_response(2s);
  testing::raw_connection slow(port);
  slow.send("POST /calendar/v3/calendars/anouk%40school.nl/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
            bearer + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(event_body.size()) +
            "\r\n\r\n" + event_body);
  // The client gives up after 300 ms, yet the event exists: a retry must get 409.
  BOOST_TEST(!slow.read_response(300ms).has_value());
  BOOST_TEST(testing::eventually(
      [&] { return sandbox->event_ids("anouk@school.nl") == std::vector<std::string>{"booking00001"}; }));
  BOOST_TEST(call("POST", "/calendars/anouk%40school.nl/events", event_body, bearer).status == 409);
}

BOOST_AUTO_TEST_SUITE_END()
