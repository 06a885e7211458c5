#include <future>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "app/service.hpp"
#include "db/bookings.hpp"
#include "db/migrations.hpp"
#include "db/tutors.hpp"
#include "domain/instant.hpp"
#include "tests/support/dates.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/invite_reader.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/service_config.hpp"

using namespace tutorbot;
namespace json = boost::json;
using testing::local_date_in;
using testing::eventually;

namespace {

const std::string staff_override = R"({"staff":"Eva","reason":"paid in cash at the desk"})";

const std::string auth = "Authorization: Bearer test-api-token\r\n";

struct api_client {
  unsigned short port;

  testing::raw_response get(const std::string& target) const {
    return testing::http_request(port, "GET", target, "", auth);
  }
  testing::raw_response post(const std::string& target, const std::string& body) const {
    return testing::http_request(port, "POST", target, body, auth + "Content-Type: application/json\r\n");
  }
  testing::raw_response del(const std::string& target) const {
    return testing::http_request(port, "DELETE", target, "", auth);
  }

  json::array slots(const std::string& tutor, const std::string& from, const std::string& to, int duration = 60) const {
    auto r = get("/api/v1/tutors/" + tutor + "/slots?from=" + from + "&to=" + to + "&duration=" + std::to_string(duration));
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
    return json::parse(r.body).as_array();
  }

  testing::raw_response hold(const std::string& tutor, const std::string& start, int duration, const std::string& ref) const {
    json::object body{{"tutor_id", tutor}, {"start", start}, {"duration_minutes", duration}, {"student_ref", ref}};
    return post("/api/v1/holds", json::serialize(body));
  }
};

bool contains_start(const json::array& slots, const std::string& start) {
  for (const auto& s : slots) {
    if (s.as_object().at("start").as_string() == start) return true;
  }
  return false;
}

std::string error_code(const testing::raw_response& r) {
  return std::string(json::parse(r.body).as_object().at("error").as_string());
}

// A migrated database with the sample tutors, and one running service on it.
struct api_fixture {
  api_fixture() : url(testing::fresh_database("api")) {
    db::connection conn(url);
    db::migrate(conn, db::bundled_migrations());
    db::upsert_tutors(conn, testing::sample_config(url).calendar.tutors);
    primary = start_instance();
  }

  std::unique_ptr<app::service> start_instance() {
    auto svc = std::make_unique<app::service>(testing::sample_config(url));
    svc->start();
    return svc;
  }

  api_client client(const app::service& svc) const { return api_client{svc.port()}; }

  // A bookable 60-minute start of anouk's, a week or more ahead, as the API offers it.
  std::string free_start(std::size_t nth = 0) {
    auto slots = client(*primary).slots("anouk", local_date_in(7), local_date_in(20));
    BOOST_REQUIRE(slots.size() > nth);
    return std::string(slots[nth].as_object().at("start").as_string());
  }

  long scalar(const std::string& sql) {
    pqxx::connection c(url);
    return pqxx::nontransaction(c).exec1(sql)[0].as<long>();
  }

  std::string url;
  std::unique_ptr<app::service> primary;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(bookings_api, api_fixture)

BOOST_AUTO_TEST_CASE(api_requires_the_bearer_token) {
  auto none = testing::http_request(primary->port(), "GET", "/api/v1/tutors");
  BOOST_TEST(none.status == 401);
  auto wrong = testing::http_request(primary->port(), "GET", "/api/v1/tutors", "", "Authorization: Bearer nope\r\n");
  BOOST_TEST(wrong.status == 401);
  BOOST_TEST(client(*primary).get("/api/v1/tutors").status == 200);
}

BOOST_AUTO_TEST_CASE(tutors_are_listed_with_their_ids) {
  auto tutors = json::parse(client(*primary).get("/api/v1/tutors").body).as_array();
  BOOST_TEST(tutors.size() == 4u);
  BOOST_TEST(tutors[0].as_object().at("id").as_string() == "anouk");
}

BOOST_AUTO_TEST_CASE(slot_query_validation) {
  auto c = client(*primary);
  auto bad_date = c.get("/api/v1/tutors/anouk/slots?from=2026-02-30&to=2026-03-02&duration=60");
  BOOST_TEST(bad_date.status == 400);
  BOOST_TEST(error_code(bad_date) == "bad_date");
  BOOST_TEST(c.get("/api/v1/tutors/anouk/slots?from=2026-03-02&to=2026-03-01&duration=60").status == 400);
  BOOST_TEST(c.get("/api/v1/tutors/anouk/slots?from=2026-03-02&to=2026-03-03&duration=abc").status == 400);
  BOOST_TEST(c.get("/api/v1/tutors/nobody/slots?from=2026-03-02&to=2026-03-03&duration=60").status == 404);
  auto odd = c.get("/api/v1/tutors/anouk/slots?from=" + local_date_in(7) + "&to=" + local_date_in(8) + "&duration=45");
  BOOST_TEST(odd.status == 422);
  BOOST_TEST(error_code(odd) == "duration_not_allowed");
}

BOOST_AUTO_TEST_CASE(slots_are_in_order_and_well_formed) {
  auto slots = client(*primary).slots("anouk", local_date_in(7), local_date_in(13));
  BOOST_REQUIRE(!slots.empty());
  std::string previous;
  for (const auto& s : slots) {
    std::string start(s.as_object().at("start").as_string());
    BOOST_TEST(start.size() == 20u);
    BOOST_TEST(start > previous);
    previous = start;
  }
}

BOOST_AUTO_TEST_CASE(hold_validation) {
  auto c = client(*primary);
  BOOST_TEST(c.post("/api/v1/holds", "{not json").status == 400);
  BOOST_TEST(c.post("/api/v1/holds", R"({"tutor_id":"anouk"})").status == 400);
  BOOST_TEST(c.hold("anouk", "tomorrow at four", 60, "x").status == 400);
  BOOST_TEST(c.hold("nobody", free_start(), 60, "x").status == 404);
  auto odd = c.hold("anouk", free_start(), 45, "x");
  BOOST_TEST(odd.status == 422);
  auto night = c.hold("anouk", local_date_in(8) + "T03:00:00+01:00", 60, "x");
  BOOST_TEST(night.status == 422);
  BOOST_TEST(error_code(night) == "outside_availability");
  BOOST_TEST(scalar("SELECT count(*) FROM bookings") == 0);
}

BOOST_AUTO_TEST_CASE(hold_confirm_and_cancel_round_trip) {
  auto c = client(*primary);
  auto start = free_start();
  auto held = c.hold("anouk", start, 60, "student-1");
  BOOST_REQUIRE_MESSAGE(held.status == 201, held.body);
  auto id = std::string(json::parse(held.body).as_object().at("booking_id").as_string());
  BOOST_TEST(!contains_start(c.slots("anouk", local_date_in(7), local_date_in(20)), start));

  auto taken = c.hold("anouk", start, 90, "student-2");
  BOOST_TEST(taken.status == 409);
  BOOST_TEST(error_code(taken) == "slot_taken");

  // Confirming without a payment is a staff member's override: who and why, or nothing happens.
  auto unexplained = c.post("/api/v1/bookings/" + id + "/confirm", "");
  BOOST_TEST(unexplained.status == 400);
  BOOST_TEST(error_code(unexplained) == "override_required");
  BOOST_TEST(c.post("/api/v1/bookings/" + id + "/confirm", R"({"staff":"Eva"})").status == 400);
  BOOST_TEST(scalar("SELECT count(*) FROM bookings WHERE status = 'held'") == 1);
  auto confirmed = c.post("/api/v1/bookings/" + id + "/confirm", staff_override);
  BOOST_TEST(confirmed.status == 200);
  BOOST_TEST(json::parse(confirmed.body).as_object().at("status").as_string() == "confirmed");
  BOOST_TEST(scalar("SELECT count(*) FROM bookings WHERE paid_with = 'staff' AND confirmed_by = 'Eva' "
                    "AND confirm_reason = 'paid in cash at the desk'") == 1);

  auto listed = json::parse(c.get("/api/v1/bookings?tutor_id=anouk&from=" + local_date_in(6) + "&to=" + local_date_in(21)).body);
  BOOST_TEST(listed.as_array().size() == 1u);

  BOOST_TEST(c.del("/api/v1/bookings/" + id).status == 200);
  BOOST_TEST(contains_start(c.slots("anouk", local_date_in(7), local_date_in(20)), start));
  BOOST_TEST(c.post("/api/v1/bookings/" + id + "/confirm", staff_override).status == 409);
  BOOST_TEST(c.del("/api/v1/bookings/00000000-0000-0000-0000-000000000000").status == 404);
}

BOOST_AUTO_TEST_CASE(confirming_an_expired_hold_is_409_and_frees_the_slot) {
  db::connection conn(url);
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto lesson = now + std::chrono::hours(24 * 9);
  db::new_hold stale{domain::tutor_id{"anouk"}, "late", lesson, lesson + std::chrono::hours(1), lesson,
                     lesson + std::chrono::hours(1), now - std::chrono::seconds(1), "lesson-60", domain::cents{4500}};
  auto b = std::get<domain::booking>(db::insert_hold(conn, stale));
  auto r = client(*primary).post("/api/v1/bookings/" + b.id.value + "/confirm", staff_override);
  BOOST_TEST(r.status == 409);
  BOOST_TEST(error_code(r) == "hold_expired");
  BOOST_TEST(db::find_booking(conn, b.id)->status == domain::booking_status::expired);
}

BOOST_AUTO_TEST_CASE(the_sweeper_expires_holds_and_their_slots_come_back) {
  auto c = client(*primary);
  auto start = free_start(2);
  // The calendar has loaded (the query above) before the hold appears behind its back.
  db::connection conn(url);
  auto lesson = domain::parse_rfc3339(start).value();
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  db::new_hold brief{domain::tutor_id{"anouk"}, "brief", lesson, lesson + std::chrono::hours(1),
                     lesson - std::chrono::minutes(10), lesson + std::chrono::minutes(65), now + std::chrono::seconds(8),
                     "lesson-60", domain::cents{4500}};
  // Held long enough to be seen taken on a loaded machine, then expired by the sweeper.
  auto b = std::get<domain::booking>(db::insert_hold(conn, brief));
  BOOST_TEST(eventually([&] { return !contains_start(c.slots("anouk", local_date_in(7), local_date_in(20)), start); },
                        std::chrono::seconds(5)));
  BOOST_TEST(eventually([&] { return db::find_booking(conn, b.id)->status == domain::booking_status::expired; },
                        std::chrono::seconds(60)));
  BOOST_TEST(eventually([&] { return contains_start(c.slots("anouk", local_date_in(7), local_date_in(20)), start); },
                        std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(a_booking_made_by_another_instance_becomes_visible_at_once) {
  auto other = start_instance();
  auto start = free_start(4);
  // Both instances' calendars for anouk are loaded before the hold.
  BOOST_REQUIRE(contains_start(client(*other).slots("anouk", local_date_in(7), local_date_in(20)), start));
  BOOST_REQUIRE(client(*primary).hold("anouk", start, 60, "via-primary").status == 201);
  // Only the notification can tell the other instance this fast: its reload runs once a minute.
  BOOST_TEST(eventually([&] { return !contains_start(client(*other).slots("anouk", local_date_in(7), local_date_in(20)), start); },
                        std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(two_instances_racing_for_the_same_slots_never_double_book) {
  auto other = start_instance();
  auto slots = client(*primary).slots("anouk", local_date_in(7), local_date_in(20));
  BOOST_REQUIRE(slots.size() >= 20u);
  int winners = 0;
  for (std::size_t i = 0; i < 20; ++i) {
    std::string start(slots[i].as_object().at("start").as_string());
    int duration = i % 2 ? 90 : 60;
    auto a = std::async(std::launch::async, [&] { return client(*primary).hold("anouk", start, duration, "a" + std::to_string(i)); });
    auto b = std::async(std::launch::async, [&] { return client(*other).hold("anouk", start, 60, "b" + std::to_string(i)); });
    auto ra = a.get();
    auto rb = b.get();
    for (const auto* r : {&ra, &rb}) {
      BOOST_TEST((r->status == 201 || r->status == 409 || r->status == 422), r->body);
      if (r->status == 201) ++winners;
    }
  }
  BOOST_TEST(winners >= 1);
  BOOST_TEST(scalar("SELECT count(*) FROM bookings WHERE status IN ('held','confirmed')") == winners);
  BOOST_TEST(scalar("SELECT count(*) FROM bookings a JOIN bookings b ON a.id < b.id AND a.tutor_id = b.tutor_id "
                    "AND a.blocked && b.blocked WHERE a.status IN ('held','confirmed') AND b.status IN ('held','confirmed')") == 0);
}

// The invite follows the booking: one UID, a SEQUENCE raised by the move and again by the
// cancellation, read back by python3-icalendar.
BOOST_AUTO_TEST_CASE(the_invite_follows_the_booking_through_a_reschedule_and_a_cancellation) {
  auto c = client(*primary);
  const auto first = free_start(0);
  auto held = c.hold("anouk", first, 60, "student-invite");
  BOOST_REQUIRE_MESSAGE(held.status == 201, held.body);
  const auto id = std::string(json::parse(held.body).as_object().at("booking_id").as_string());
  const auto invite_path = "/api/v1/bookings/" + id + "/invite.ics";

  BOOST_TEST(c.get(invite_path).status == 409, "a hold has no invite");
  BOOST_TEST(testing::http_request(primary->port(), "GET", invite_path, "", "").status == 401);
  BOOST_TEST(c.get("/api/v1/bookings/00000000-0000-0000-0000-000000000000/invite.ics").status == 404);
  BOOST_REQUIRE(c.post("/api/v1/bookings/" + id + "/confirm", staff_override).status == 200);

  // Booked through the API for nobody the school knows: a calendar entry to import, no invite.
  auto published = c.get(invite_path);
  BOOST_REQUIRE_MESSAGE(published.status == 200, published.body);
  BOOST_TEST(published.header("Content-Type").find("text/calendar; charset=utf-8; method=PUBLISH") != std::string::npos, published.header("Content-Type"));
  BOOST_TEST(testing::read_invite(published.body).at("attendees").as_array().empty());

  {
    pqxx::connection conn(url);
    pqxx::work tx(conn);
    const auto student = tx.exec1("INSERT INTO students (name, email, subject, locale) "
                                  "VALUES ('Sanne', 'sanne@example.nl', 'wiskunde B', 'nl') RETURNING id::text")[0]
                             .as<std::string>();
    tx.exec_params("UPDATE bookings SET student_id = $2::uuid WHERE id = $1::uuid", id, student);
    tx.commit();
  }
  auto requested = c.get(invite_path);
  BOOST_TEST(requested.header("Content-Type").find("method=REQUEST") != std::string::npos, requested.header("Content-Type"));
  auto invite = testing::read_invite(requested.body);
  BOOST_TEST(invite.at("method").as_string() == "REQUEST");
  BOOST_TEST(invite.at("uid").as_string() == id + "@tutorbot");
  BOOST_TEST(invite.at("sequence").as_int64() == 0);
  BOOST_TEST(invite.at("dtstart_utc").as_string() == first);
  BOOST_TEST(invite.at("dtstart_utc_by_vtimezone").as_string() == first);
  BOOST_TEST(invite.at("dtstart_tzid").as_string() == "Europe/Amsterdam");
  BOOST_TEST(invite.at("summary").as_string() == "Bijles wiskunde B met Anouk de Vries");
  BOOST_TEST(invite.at("location").as_string() == "Oudegracht 120, Utrecht");
  BOOST_TEST(invite.at("organizer").as_string() == "mailto:info@bijlesschool-example.nl");
  BOOST_TEST(invite.at("attendees").as_array().at(0).as_string() == "mailto:sanne@example.nl");

  const auto second = free_start(1);
  auto onto = c.hold("anouk", second, 60, "student-invite");
  BOOST_REQUIRE_MESSAGE(onto.status == 201, onto.body);
  const auto onto_id = std::string(json::parse(onto.body).as_object().at("booking_id").as_string());
  auto moved = c.post("/api/v1/bookings/" + id + "/reschedule", json::serialize(json::object{{"hold_id", onto_id}}));
  BOOST_REQUIRE_MESSAGE(moved.status == 200, moved.body);
  invite = testing::read_invite(c.get(invite_path).body);
  BOOST_TEST(invite.at("uid").as_string() == id + "@tutorbot");
  BOOST_TEST(invite.at("sequence").as_int64() == 1);
  BOOST_TEST(invite.at("dtstart_utc").as_string() == second);

  BOOST_REQUIRE(c.del("/api/v1/bookings/" + id).status == 200);
  auto withdrawn = c.get(invite_path);
  BOOST_TEST(withdrawn.header("Content-Type").find("method=CANCEL") != std::string::npos, withdrawn.header("Content-Type"));
  invite = testing::read_invite(withdrawn.body);
  BOOST_TEST(invite.at("method").as_string() == "CANCEL");
  BOOST_TEST(invite.at("status").as_string() == "CANCELLED");
  BOOST_TEST(invite.at("uid").as_string() == id + "@tutorbot");
  BOOST_TEST(invite.at("sequence").as_int64() == 2);
}

BOOST_AUTO_TEST_SUITE_END()

