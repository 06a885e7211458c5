// POST/GET/DELETE /api/v1/series against a running service: a series is planned against the
// tutor's hours and the school's holidays, held all or none, shown as one, and cancelled from a
// date on. The school's holiday is placed relative to today, so no test assumes a date.
#include <future>
#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <date/tz.h>
#include <pqxx/pqxx>

#include "app/service.hpp"
#include "db/migrations.hpp"
#include "db/tutors.hpp"
#include "domain/instant.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/service_config.hpp"

using namespace tutorbot;
namespace json = boost::json;

namespace {

const std::string auth = "Authorization: Bearer test-api-token\r\n";

testing::raw_response get(const app::service& svc, const std::string& target) {
  return testing::http_request(svc.port(), "GET", target, "", auth);
}
testing::raw_response post(const app::service& svc, const std::string& target, const std::string& body) {
  return testing::http_request(svc.port(), "POST", target, body, auth + "Content-Type: application/json\r\n");
}
testing::raw_response del(const app::service& svc, const std::string& target) {
  return testing::http_request(svc.port(), "DELETE", target, "", auth);
}

std::string error_code(const testing::raw_response& r) {
  return std::string(json::parse(r.body).as_object().at("error").as_string());
}

const date::time_zone* amsterdam() { return date::locate_zone("Europe/Amsterdam"); }

std::string local_time_of(const json::value& start) {
  auto t = domain::parse_rfc3339(std::string(start.as_string())).value();
  return date::format("%a %H:%M", amsterdam()->to_local(t));
}

std::string local_date_of(const json::value& start) {
  auto t = domain::parse_rfc3339(std::string(start.as_string())).value();
  return date::format("%F", floor<date::days>(amsterdam()->to_local(t)));
}

date::local_days today() {
  return date::floor<date::days>(date::make_zoned(amsterdam(), std::chrono::system_clock::now()).get_local_time());
}

// The Monday three or four weeks from today.
date::local_days closed_monday() {
  auto d = today() + date::days{21};
  while (date::weekday{d} != date::Monday) d += date::days{1};
  return d;
}

std::string iso(date::local_days d) { return date::format("%F", d); }

// The school is closed for a whole local week (Monday to Sunday) three or four weeks from today:
// a weekly or bi-weekly series that starts two weeks before it meets it exactly once, on its
// third week, and finds no other time in that week to move to.
struct series_fixture {
  series_fixture() : url(testing::fresh_database("series_api")) {
    db::connection conn(url);
    db::migrate(conn, db::bundled_migrations());
    db::upsert_tutors(conn, testing::sample_config(url).calendar.tutors);
    primary = start_instance();
  }

  std::unique_ptr<app::service> start_instance() {
    auto cfg = testing::sample_config(url);
    // Long enough to reach the next change of daylight saving time from any date.
    cfg.calendar.series.horizon = date::weeks{40};
    cfg.calendar.series.max_lessons = 40;
    cfg.calendar.school_holidays.push_back({domain::parse_iso_date(holiday_first).value(),
                                            domain::parse_iso_date(holiday_last).value(), "testvakantie"});
    auto svc = std::make_unique<app::service>(cfg);
    svc->start();
    return svc;
  }

  // anouk's free 60-minute starts in the week two weeks before the closed one.
  json::array free_starts() {
    auto r = get(*primary, "/api/v1/tutors/anouk/slots?from=" + iso(monday - date::days{14}) +
                               "&to=" + iso(monday - date::days{8}) + "&duration=60");
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
    return json::parse(r.body).as_array();
  }

  std::string first_start() {
    auto slots = free_starts();
    BOOST_REQUIRE(!slots.empty());
    return std::string(slots[0].as_object().at("start").as_string());
  }

  static std::string series_body(const std::string& first, int interval, int count, const std::string& ref,
                                 const std::string& on_clash) {
    return json::serialize(json::object{{"tutor_id", "anouk"},
                                        {"first_start", first},
                                        {"duration_minutes", 60},
                                        {"interval_weeks", interval},
                                        {"count", count},
                                        {"student_ref", ref},
                                        {"on_clash", on_clash}});
  }

  long scalar(const std::string& sql) {
    pqxx::connection c(url);
    return pqxx::nontransaction(c).exec1(sql)[0].as<long>();
  }

  std::string url;
  // Once: a test that runs across midnight keeps the week it started with.
  date::local_days monday = closed_monday();
  std::string holiday_first = iso(monday), holiday_last = iso(monday + date::days{6});
  std::unique_ptr<app::service> primary;
};

bool in_holiday(const series_fixture& f, const std::string& date) { return f.holiday_first <= date && date <= f.holiday_last; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(series_api, series_fixture)

BOOST_AUTO_TEST_CASE(a_weekly_series_skips_the_holiday_keeps_its_local_time_and_shows_as_one) {
  const auto first = first_start();
  auto r = post(*primary, "/api/v1/series", series_body(first, 1, 6, "student-1", "skip"));
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
  auto series = json::parse(r.body).as_object();
  const auto& lessons = series.at("lessons").as_array();
  const auto& clashes = series.at("clashes").as_array();
  BOOST_REQUIRE_EQUAL(clashes.size(), 1u);
  BOOST_TEST(clashes[0].at("reason").as_string() == "closed");
  BOOST_TEST(clashes[0].at("name").as_string() == "testvakantie");
  BOOST_TEST(in_holiday(*this, std::string(clashes[0].at("date").as_string())));
  BOOST_REQUIRE_EQUAL(lessons.size(), 5u);
  for (const auto& lesson : lessons) {
    BOOST_TEST(local_time_of(lesson.at("start")) == local_time_of(json::value(first)));
    BOOST_TEST(!in_holiday(*this, local_date_of(lesson.at("start"))));
    BOOST_TEST(lesson.at("status").as_string() == "held");
  }
  BOOST_TEST(series.at("rrule").as_string() == "RRULE:FREQ=WEEKLY;COUNT=6");
  const std::string id(series.at("series_id").as_string());
  // Asked again (a client retrying after a timeout): the same series, nothing more held.
  auto again = post(*primary, "/api/v1/series", series_body(first, 1, 6, "student-1", "skip"));
  BOOST_REQUIRE_MESSAGE(again.status == 201, again.body);
  BOOST_TEST(json::parse(again.body).at("series_id").as_string() == id);
  BOOST_TEST(scalar("SELECT count(*) FROM bookings WHERE series_id = '" + id + "'") == 5);

  auto shown = get(*primary, "/api/v1/series/" + id);
  BOOST_REQUIRE_EQUAL(shown.status, 200);
  BOOST_TEST(json::parse(shown.body).as_object().at("lessons").as_array().size() == 5u);
  BOOST_TEST(get(*primary, "/api/v1/series/00000000-0000-0000-0000-000000000000").status == 404);
  BOOST_TEST(error_code(get(*primary, "/api/v1/series/nonsense")) == "unknown_series");

  // The held lessons are no longer offered.
  BOOST_TEST(free_starts()[0].at("start").as_string() != first);
}

BOOST_AUTO_TEST_CASE(a_weekly_series_across_the_next_dst_change_keeps_its_local_time_on_both_sides) {
  const auto first = first_start();
  const auto first_instant = domain::parse_rfc3339(first).value();
  // The next change of UTC offset after the first lesson, from the zone database.
  const auto change = amsterdam()->get_info(first_instant).end;
  // Lessons up to two weeks past the change: the closed third week can take at most one of them.
  const auto count = std::chrono::duration_cast<date::weeks>(change - first_instant).count() + 3;
  BOOST_REQUIRE(count <= 40);
  auto r = post(*primary, "/api/v1/series", series_body(first, 1, static_cast<int>(count), "student-1", "skip"));
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
  const auto series = json::parse(r.body);
  const auto& lessons = series.at("lessons").as_array();
  BOOST_REQUIRE(lessons.size() >= 2u);
  std::set<std::chrono::seconds> offsets;
  for (const auto& lesson : lessons) {
    BOOST_TEST(local_time_of(lesson.at("start")) == local_time_of(json::value(first)));
    offsets.insert(amsterdam()->get_info(domain::parse_rfc3339(std::string(lesson.at("start").as_string())).value()).offset);
  }
  BOOST_TEST(offsets.size() == 2u);  // lessons on both sides of the change: the UTC time moved, the local did not
}

BOOST_AUTO_TEST_CASE(reject_books_nothing_and_names_the_clash) {
  auto r = post(*primary, "/api/v1/series", series_body(first_start(), 1, 6, "student-1", "reject"));
  BOOST_REQUIRE_EQUAL(r.status, 409);
  auto body = json::parse(r.body).as_object();
  BOOST_TEST(body.at("error").as_string() == "series_clashes");
  BOOST_TEST(body.at("clashes").as_array()[0].at("name").as_string() == "testvakantie");
  BOOST_TEST(scalar("SELECT count(*) FROM bookings") == 0);
  BOOST_TEST(scalar("SELECT count(*) FROM series") == 0);
}

BOOST_AUTO_TEST_CASE(a_biweekly_series_moves_the_holiday_lesson_out_of_the_closed_week_or_extends) {
  // The closed week has no free time, so move finds nothing in it and leaves the date out...
  auto moved = post(*primary, "/api/v1/series", series_body(first_start(), 2, 4, "student-1", "move"));
  BOOST_REQUIRE_MESSAGE(moved.status == 201, moved.body);
  auto m = json::parse(moved.body).as_object();
  BOOST_TEST(m.at("lessons").as_array().size() == 3u);
  BOOST_TEST(!m.at("clashes").as_array()[0].as_object().contains("moved_to"));
  const std::string moved_id(m.at("series_id").as_string());
  BOOST_TEST(del(*primary, "/api/v1/series/" + moved_id).status == 200);

  // ...while extend adds one more lesson after the last, in the same rhythm.
  auto extended = post(*primary, "/api/v1/series", series_body(first_start(), 2, 4, "student-2", "extend"));
  BOOST_REQUIRE_MESSAGE(extended.status == 201, extended.body);
  auto e = json::parse(extended.body).as_object();
  const auto& lessons = e.at("lessons").as_array();
  BOOST_REQUIRE_EQUAL(lessons.size(), 4u);
  BOOST_TEST(e.at("rrule").as_string() == "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=5");
  for (const auto& lesson : lessons) BOOST_TEST(!in_holiday(*this, local_date_of(lesson.at("start"))));
}

BOOST_AUTO_TEST_CASE(cancelling_the_rest_from_a_date_keeps_the_lessons_before_it) {
  auto r = post(*primary, "/api/v1/series", series_body(first_start(), 1, 4, "student-1", "skip"));
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
  auto series = json::parse(r.body).as_object();
  const std::string id(series.at("series_id").as_string());
  const auto& lessons = series.at("lessons").as_array();
  BOOST_REQUIRE_EQUAL(lessons.size(), 3u);  // one of the four is in the holiday

  // One occurrence alone, as any booking.
  const std::string first_lesson(lessons[0].at("booking_id").as_string());
  BOOST_TEST(del(*primary, "/api/v1/bookings/" + first_lesson).status == 200);

  const auto from = local_date_of(lessons[2].at("start"));
  BOOST_TEST(error_code(del(*primary, "/api/v1/series/" + id + "?from=2027-13-01")) == "bad_date");
  auto cancelled = del(*primary, "/api/v1/series/" + id + "?from=" + from);
  BOOST_REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);
  const auto cancelled_series = json::parse(cancelled.body);
  const auto& after = cancelled_series.at("lessons").as_array();
  BOOST_REQUIRE_EQUAL(after.size(), 3u);
  BOOST_TEST(after[0].at("status").as_string() == "cancelled");
  BOOST_TEST(after[1].at("status").as_string() == "held");
  BOOST_TEST(after[2].at("status").as_string() == "cancelled");
  BOOST_TEST(del(*primary, "/api/v1/series/00000000-0000-0000-0000-000000000000").status == 404);
}

BOOST_AUTO_TEST_CASE(invalid_series_get_a_4xx_and_change_nothing) {
  const auto first = first_start();
  const auto code = [&](const std::string& body) {
    auto r = post(*primary, "/api/v1/series", body);
    return std::to_string(r.status) + " " + error_code(r);
  };
  BOOST_TEST(code(series_body(first, 3, 4, "x", "skip")) == "422 invalid_interval");
  BOOST_TEST(code(series_body(first, 1, 0, "x", "skip")) == "422 invalid_count");
  BOOST_TEST(code(series_body(first, 1, 41, "x", "skip")) == "422 too_long");  // this school allows 40
  BOOST_TEST(code(series_body(iso(monday - date::days{13}) + "T03:00:00Z", 1, 4, "x", "skip")) ==
             "422 outside_availability");
  auto unknown = json::parse(series_body(first, 1, 4, "x", "skip")).as_object();
  unknown["tutor_id"] = "nobody";
  BOOST_TEST(code(json::serialize(unknown)) == "404 unknown_tutor");
  BOOST_TEST(code("{not json") == "400 bad_json");
  BOOST_TEST(scalar("SELECT count(*) FROM bookings") == 0);
  BOOST_TEST(scalar("SELECT count(*) FROM series") == 0);
}

BOOST_AUTO_TEST_CASE(two_students_racing_from_two_instances_one_gets_every_lesson_the_other_none) {
  auto secondary = start_instance();
  auto slots = free_starts();
  BOOST_REQUIRE(slots.size() >= 32u);
  for (std::size_t round = 0; round < 4; ++round) {
    // Starts two hours apart at least, so the rounds do not meet each other.
    const std::string first(slots[round * 8 % slots.size()].at("start").as_string());
    auto a = std::async(std::launch::async, [&] { return post(*primary, "/api/v1/series", series_body(first, 1, 8, "a", "skip")); });
    auto b = std::async(std::launch::async, [&] { return post(*secondary, "/api/v1/series", series_body(first, 1, 8, "b", "skip")); });
    auto ra = a.get();
    auto rb = b.get();
    BOOST_TEST(((ra.status == 201) != (rb.status == 201)), "round " << round << ": " << ra.status << " " << rb.status);
    BOOST_TEST((ra.status == 409 || rb.status == 409), "round " << round << ": " << ra.body << " / " << rb.body);
    const auto& winner = ra.status == 201 ? ra : rb;
    const std::string id(json::parse(winner.body).as_object().at("series_id").as_string());
    // Every lesson of the winner's plan is held (seven of eight: one is in the holiday), none of the loser's.
    BOOST_TEST(scalar("SELECT count(*) FROM bookings WHERE series_id = '" + id + "'") == 7);
    BOOST_TEST(scalar("SELECT count(*) FROM series") == static_cast<long>(round + 1));
  }
}

BOOST_AUTO_TEST_SUITE_END()
