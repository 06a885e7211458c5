// Each change of a lesson e-mails the student its invite (issue 16), through a real SMTP
// server (aiosmtpd); the mails and their invites are read by independent parsers.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "app/service.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/tutors.hpp"
#include "domain/instant.hpp"
#include "net/base32hex.hpp"
#include "tests/integration/api/google_service.hpp"
#include "tests/support/dates.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/invite_reader.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/service_config.hpp"
#include "tests/support/smtp_sink.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string auth = "Authorization: Bearer test-api-token\r\n";

// The booking is for a student the school knows, as a chat intake leaves one: Sanne, who
// wrote herself, or (with `own_email`) whose parent wrote, giving `email` as the parent's.
void record_student(const std::string& url, const std::string& booking, const std::string& email,
                     const std::optional<std::string>& own_email = std::nullopt) {
  pqxx::connection c(url);
  pqxx::work tx(c);
  auto student = tx.exec_params1("INSERT INTO students (name, email, subject, locale, writer, own_email) "
                                 "VALUES ('Sanne', $1, 'wiskunde B', 'nl', $2, $3) RETURNING id::text",
                                 email, own_email ? "parent" : "student", own_email.value_or(""))[0].as<std::string>();
  tx.exec_params("UPDATE bookings SET student_id = $2::uuid WHERE id = $1::uuid", booking, student);
  tx.commit();
}

std::vector<std::string> attendee_addresses(const json::object& invite) {
  std::vector<std::string> out;
  for (const auto& a : invite.at("attendees").as_array()) out.emplace_back(a.as_string());
  return out;
}

// One service with mail on, sending to the sink.
struct mail_fixture {
  mail_fixture() : url(testing::fresh_database("mail")) {
    db::connection conn(url);
    db::migrate(conn, db::bundled_migrations());
    auto cfg = testing::sample_config(url);
    db::upsert_tutors(conn, cfg.calendar.tutors);
    cfg.service.mail.smtp_url = sink.url();
    service = std::make_unique<app::service>(cfg);
    service->start();
  }

  testing::raw_response call(const std::string& method, const std::string& target, const std::string& body = "") {
    return testing::http_request(service->port(), method, target, body, auth + "Content-Type: application/json\r\n");
  }

  std::string free_start(std::size_t nth) {
    auto r = call("GET", "/api/v1/tutors/anouk/slots?from=" + testing::local_date_in(7) + "&to=" +
                             testing::local_date_in(20) + "&duration=60");
    auto slots = json::parse(r.body).as_array();
    BOOST_REQUIRE(slots.size() > nth);
    return std::string(slots[nth].as_object().at("start").as_string());
  }

  std::string hold(const std::string& start, const std::string& ref) {
    auto r = call("POST", "/api/v1/holds",
                  json::serialize(json::object{{"tutor_id", "anouk"}, {"start", start}, {"duration_minutes", 60}, {"student_ref", ref}}));
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
    return std::string(json::parse(r.body).as_object().at("booking_id").as_string());
  }

  void for_student(const std::string& booking, const std::string& email) { record_student(url, booking, email); }

  void confirm_by_staff(const std::string& booking) {
    const auto r = call("POST", "/api/v1/bookings/" + booking + "/confirm", R"({"staff":"Eva","reason":"paid in cash"})");
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  }

  long scalar(const std::string& sql) {
    pqxx::connection c(url);
    return pqxx::nontransaction(c).exec1(sql)[0].as<long>();
  }

  testing::smtp_sink sink;
  std::string url;
  std::unique_ptr<app::service> service;
};

std::string text(const json::object& o, const char* key) { return std::string(o.at(key).as_string()); }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(booking_mail, mail_fixture)

BOOST_AUTO_TEST_CASE(a_booked_a_moved_and_a_cancelled_lesson_each_mail_the_student_its_invite_once) {
  const auto first = free_start(0);
  const auto booking = hold(first, "crm-17");
  for_student(booking, "sanne@example.nl");
  confirm_by_staff(booking);

  auto mails = sink.wait_for(1, 20s);
  BOOST_REQUIRE_EQUAL(mails.size(), 1u);
  BOOST_TEST(text(mails[0], "subject").find("Je les staat vast: ") == 0u, text(mails[0], "subject"));
  BOOST_TEST(text(mails[0], "to") == "Sanne <sanne@example.nl>");
  BOOST_TEST(text(mails[0], "from") == "Bijlesschool Example <info@bijlesschool-example.nl>");
  BOOST_TEST(text(mails[0], "message_id") == "<booking-mail." + booking + ".0@bijlesschool-example.nl>");
  BOOST_TEST(testing::part_text(mails[0], "text/plain").find("Waar: Oudegracht 120, Utrecht") != std::string::npos,
             testing::part_text(mails[0], "text/plain"));
  auto invite = testing::read_invite(testing::part_text(mails[0], "text/calendar"));
  BOOST_TEST(text(invite, "method") == "REQUEST");
  BOOST_TEST(text(invite, "uid") == booking + "@tutorbot");
  BOOST_TEST(text(invite, "dtstart_utc") == first);
  BOOST_TEST(invite.at("sequence").as_int64() == 0);

  const auto second = free_start(1);
  const auto onto = hold(second, "crm-17");
  BOOST_REQUIRE(call("POST", "/api/v1/bookings/" + booking + "/reschedule", json::serialize(json::object{{"hold_id", onto}})).status == 200);
  mails = sink.wait_for(2, 20s);
  BOOST_REQUIRE_EQUAL(mails.size(), 2u);
  BOOST_TEST(text(mails[1], "subject").find("Je les is verzet: ") == 0u, text(mails[1], "subject"));
  invite = testing::read_invite(testing::part_text(mails[1], "text/calendar"));
  BOOST_TEST(text(invite, "uid") == booking + "@tutorbot");
  BOOST_TEST(invite.at("sequence").as_int64() == 1);
  BOOST_TEST(text(invite, "dtstart_utc") == second);

  BOOST_REQUIRE(call("DELETE", "/api/v1/bookings/" + booking).status == 200);
  mails = sink.wait_for(3, 20s);
  BOOST_REQUIRE_EQUAL(mails.size(), 3u);
  BOOST_TEST(text(mails[2], "subject").find("Je les is geannuleerd: ") == 0u, text(mails[2], "subject"));
  invite = testing::read_invite(testing::part_text(mails[2], "text/calendar"));
  BOOST_TEST(text(invite, "method") == "CANCEL");
  BOOST_TEST(invite.at("sequence").as_int64() == 2);

  // Each once: every mail's work is done, and nothing more arrives.
  BOOST_TEST(testing::eventually([&] { return scalar("SELECT count(*) FROM outbox WHERE kind = 'mail.booking' AND done_at IS NOT NULL") == 3; }, 10s));
  BOOST_TEST(sink.mails().size() == 3u);
  // The hold the lesson moved onto was never a lesson: no mail for it.
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE kind = 'mail.booking' AND payload->>'booking_id' = '" + onto + "'") == 0);
}

BOOST_AUTO_TEST_CASE(a_refused_address_is_given_up_and_told_to_staff_in_the_conversation) {
  const auto booking = hold(free_start(0), "chatwoot:4242");
  for_student(booking, "refused-sanne@example.nl");
  confirm_by_staff(booking);
  BOOST_TEST(testing::eventually([&] { return scalar("SELECT count(*) FROM outbox WHERE kind = 'mail.booking' AND gave_up_at IS NOT NULL") == 1; }, 20s));
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE kind = 'chatwoot.message' AND (payload->>'private')::boolean "
                    "AND (payload->>'conversation_id')::bigint = 4242 AND payload->>'content' LIKE '%refused-sanne@example.nl%geweigerd%'") == 1);
  BOOST_TEST(sink.mails().empty());
}

BOOST_AUTO_TEST_CASE(a_parent_who_booked_gets_the_mail_beside_the_student_and_both_are_invited) {
  // The parent (ouder@example.nl) books the nth free hour for Sanne, who has `own_email`; staff confirm it.
  auto booked_by_parent = [&](std::size_t nth, const std::string& own_email) {
    const auto booking = hold(free_start(nth), "crm-" + std::to_string(18 + nth));
    record_student(url, booking, "ouder@example.nl", own_email);
    confirm_by_staff(booking);
    const auto mails = sink.wait_for(nth + 1, 20s);
    BOOST_REQUIRE_EQUAL(mails.size(), nth + 1);
    return mails[nth];
  };
  const auto both = booked_by_parent(0, "sanne@example.nl");
  BOOST_TEST(text(both, "to") == "Sanne <sanne@example.nl>, Ouder van Sanne <ouder@example.nl>");
  BOOST_TEST(text(both, "envelope_to") == "sanne@example.nl, ouder@example.nl");
  const auto invite = testing::read_invite(testing::part_text(both, "text/calendar"));
  BOOST_TEST(text(invite, "method") == "REQUEST");
  BOOST_TEST((attendee_addresses(invite) == std::vector<std::string>{"mailto:sanne@example.nl", "mailto:ouder@example.nl"}));

  // Without an address of her own, the parent is the one attendee.
  const auto parent_only = booked_by_parent(1, "");
  BOOST_TEST(text(parent_only, "envelope_to") == "ouder@example.nl");
  BOOST_TEST((attendee_addresses(testing::read_invite(testing::part_text(parent_only, "text/calendar"))) ==
              std::vector<std::string>{"mailto:ouder@example.nl"}));
}

BOOST_AUTO_TEST_SUITE_END()

// With domain-wide delegation Google invites: the tutor's event has the student and the parent
// as attendees and Google mails them (sendUpdates=all); the school's mail then carries no
// invite of its own, so no calendar ends up with two events for one lesson.
BOOST_AUTO_TEST_SUITE(google_invites)

BOOST_AUTO_TEST_CASE(google_invites_the_student_and_the_parent_and_the_mail_attaches_no_second_invite) {
  testing::smtp_sink sink;
  testing::google_service s("google_invites", [&](config::config& cfg) {
    cfg.service.providers.google.delegated_subject = "planning@bijlesschool-example.nl";
    cfg.service.providers.google.send_invites = true;
    cfg.service.mail.smtp_url = sink.url();
  });
  auto call = [&](const std::string& method, const std::string& target, const std::string& body = "") {
    return testing::http_request(s.port(), method, target, body, auth + "Content-Type: application/json\r\n");
  };
  auto slots = call("GET", "/api/v1/tutors/anouk/slots?from=" + testing::local_date_in(7) + "&to=" +
                               testing::local_date_in(20) + "&duration=60");
  const auto start = std::string(json::parse(slots.body).as_array().at(0).as_object().at("start").as_string());
  auto held = call("POST", "/api/v1/holds",
                   json::serialize(json::object{{"tutor_id", "anouk"}, {"start", start}, {"duration_minutes", 60}, {"student_ref", "crm-20"}}));
  BOOST_REQUIRE_MESSAGE(held.status == 201, held.body);
  const auto booking = std::string(json::parse(held.body).as_object().at("booking_id").as_string());
  record_student(s.url, booking, "ouder@example.nl", "sanne@example.nl");
  BOOST_REQUIRE(call("POST", "/api/v1/bookings/" + booking + "/confirm", R"({"staff":"Eva","reason":"paid in cash"})").status == 200);

  const auto event_id = net::event_id_for_booking(booking).value();
  std::optional<json::object> event;
  BOOST_REQUIRE(testing::eventually([&] {
    if (auto text = s.google.sandbox().event_json(s.calendar_id, event_id)) event = json::parse(*text).as_object();
    return event.has_value();
  }, 20s));
  std::vector<std::string> attendees;
  for (const auto& a : event->at("attendees").as_array()) attendees.emplace_back(a.at("email").as_string());
  BOOST_TEST((attendees == std::vector<std::string>{"sanne@example.nl", "ouder@example.nl"}));
  BOOST_TEST(s.google.sandbox().send_updates(s.calendar_id, event_id).value_or("") == "all");

  auto mails = sink.wait_for(1, 20s);
  BOOST_REQUIRE_EQUAL(mails.size(), 1u);
  BOOST_TEST(text(mails[0], "envelope_to") == "sanne@example.nl, ouder@example.nl");
  BOOST_TEST(testing::part_text(mails[0], "text/calendar").empty(), "Google sends the invite: not a second one");
  BOOST_TEST(testing::part_text(mails[0], "application/ics").empty());
  BOOST_TEST(testing::part_text(mails[0], "text/plain").find("Google Agenda stuurt je de uitnodiging") != std::string::npos,
             testing::part_text(mails[0], "text/plain"));

  // Moved: Google sends the attendees the update (sendUpdates=all on the patch).
  const auto later = std::string(json::parse(slots.body).as_array().back().as_object().at("start").as_string());
  auto onto = call("POST", "/api/v1/holds",
                   json::serialize(json::object{{"tutor_id", "anouk"}, {"start", later}, {"duration_minutes", 60}, {"student_ref", "crm-20"}}));
  BOOST_REQUIRE_MESSAGE(onto.status == 201, onto.body);
  const auto moved = call("POST", "/api/v1/bookings/" + booking + "/reschedule",
                          json::serialize(json::object{{"hold_id", json::parse(onto.body).at("booking_id")}}));
  BOOST_REQUIRE_MESSAGE(moved.status == 200, moved.body);
  BOOST_TEST(testing::eventually([&] {
    const auto text = s.google.sandbox().event_json(s.calendar_id, event_id);
    return text && domain::parse_rfc3339(json::parse(*text).at("start").at("dateTime").as_string()) ==
                       domain::parse_rfc3339(later);
  }, 20s));
  BOOST_TEST(s.google.sandbox().send_updates(s.calendar_id, event_id).value_or("") == "all");
  mails = sink.wait_for(2, 20s);
  BOOST_REQUIRE_EQUAL(mails.size(), 2u);
  BOOST_TEST(testing::part_text(mails[1], "text/calendar").empty());

  // Cancelled: Google withdraws its invite (sendUpdates=all on the delete); the mail says so.
  BOOST_REQUIRE(call("DELETE", "/api/v1/bookings/" + booking).status == 200);
  BOOST_TEST(testing::eventually([&] { return s.google.sandbox().event_ids(s.calendar_id).empty(); }, 20s));
  BOOST_TEST(s.google.sandbox().send_updates(s.calendar_id, event_id).value_or("") == "all");
  mails = sink.wait_for(3, 20s);
  BOOST_REQUIRE_EQUAL(mails.size(), 3u);
  BOOST_TEST(testing::part_text(mails[2], "text/calendar").empty());
  BOOST_TEST(testing::part_text(mails[2], "text/plain").find("haalt Google Agenda hem eruit") != std::string::npos,
             testing::part_text(mails[2], "text/plain"));
}

BOOST_AUTO_TEST_SUITE_END()
