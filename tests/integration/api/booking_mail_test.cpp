// Each change of a lesson e-mails the student its invite (issue 16), through a real SMTP
// server (aiosmtpd); the mails and their invites are read by independent parsers.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "app/service.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/tutors.hpp"
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

  // The booking is for a student the school knows (as a chat intake leaves one).
  void for_student(const std::string& booking, const std::string& email) {
    pqxx::connection c(url);
    pqxx::work tx(c);
    auto student = tx.exec_params1("INSERT INTO students (name, email, subject, locale) VALUES ('Sanne', $1, 'wiskunde B', 'nl') "
                                   "RETURNING id::text", email)[0].as<std::string>();
    tx.exec_params("UPDATE bookings SET student_id = $2::uuid WHERE id = $1::uuid", booking, student);
    tx.commit();
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
  BOOST_REQUIRE(call("POST", "/api/v1/bookings/" + booking + "/confirm", R"({"staff":"Eva","reason":"paid in cash"})").status == 200);

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
  BOOST_REQUIRE(call("POST", "/api/v1/bookings/" + booking + "/confirm", R"({"staff":"Eva","reason":"paid in cash"})").status == 200);
  BOOST_TEST(testing::eventually([&] { return scalar("SELECT count(*) FROM outbox WHERE kind = 'mail.booking' AND gave_up_at IS NOT NULL") == 1; }, 20s));
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE kind = 'chatwoot.message' AND (payload->>'private')::boolean "
                    "AND (payload->>'conversation_id')::bigint = 4242 AND payload->>'content' LIKE '%refused-sanne@example.nl%geweigerd%'") == 1);
  BOOST_TEST(sink.mails().empty());
}

BOOST_AUTO_TEST_SUITE_END()
