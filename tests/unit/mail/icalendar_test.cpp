// Invites written by libical, read back by an independent parser (python3-icalendar).
#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include <date/tz.h>

#include "mail/icalendar.hpp"
#include "tests/support/invite_reader.hpp"

using namespace tutorbot;
namespace json = boost::json;

namespace {

std::chrono::sys_seconds amsterdam(int y, unsigned mo, unsigned d, int h, int mi) {
  const auto day = date::local_days{date::year{y} / date::month{mo} / date::day{d}};
  return date::make_zoned("Europe/Amsterdam", day + std::chrono::hours{h} + std::chrono::minutes{mi}).get_sys_time();
}

domain::invite lesson_at(std::chrono::sys_seconds start) {
  domain::invite i;
  i.method = domain::invite_method::request;
  i.uid = "0b5e7f3a-5c1d-4d0e-9f51-2f6b1c9d8e71@tutorbot";
  i.sequence = 0;
  i.start = start;
  i.end = start + std::chrono::hours{1};
  i.stamp = amsterdam(2027, 3, 1, 9, 0);
  i.time_zone = "Europe/Amsterdam";
  i.summary = "Bijles wiskunde B met Anouk de Vries";
  i.description = "Bijles 60 minuten met Anouk de Vries voor Sanne.\nWil je verzetten? Stuur ons een bericht.";
  i.location = "Oudegracht 120, Utrecht";
  i.organizer = domain::invite_party{"Bijlesschool Example", "info@bijlesschool-example.nl"};
  i.attendees = {{"Sanne de Boer", "sanne@example.nl"}};
  return i;
}

json::object read_back(const std::string& ics) { return testing::read_invite(ics); }

std::string text(const json::object& o, const char* key) { return std::string{o.at(key).as_string()}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(icalendar)

BOOST_AUTO_TEST_CASE(an_invite_reads_back_as_the_same_event_for_the_same_people) {
  const auto parsed = read_back(mail::to_icalendar(lesson_at(amsterdam(2027, 3, 22, 16, 0))));
  BOOST_TEST(parsed.at("crlf_only").as_bool());
  BOOST_TEST(text(parsed, "version") == "2.0");
  BOOST_TEST(text(parsed, "method") == "REQUEST");
  BOOST_TEST(text(parsed, "uid") == "0b5e7f3a-5c1d-4d0e-9f51-2f6b1c9d8e71@tutorbot");
  BOOST_TEST(parsed.at("sequence").as_int64() == 0);
  BOOST_TEST(text(parsed, "status") == "CONFIRMED");
  BOOST_TEST(text(parsed, "summary") == "Bijles wiskunde B met Anouk de Vries");
  BOOST_TEST(text(parsed, "description") ==
             "Bijles 60 minuten met Anouk de Vries voor Sanne.\nWil je verzetten? Stuur ons een bericht.");
  BOOST_TEST(text(parsed, "location") == "Oudegracht 120, Utrecht");
  BOOST_TEST(text(parsed, "organizer") == "mailto:info@bijlesschool-example.nl");
  BOOST_REQUIRE(parsed.at("attendees").as_array().size() == 1u);
  BOOST_TEST(parsed.at("attendees").as_array()[0].as_string() == "mailto:sanne@example.nl");
}

// The lesson stays at 16:00 on the wall clock on both sides of the change to summer time
// (28 March 2027), so its UTC instant moves by an hour; the invite's own VTIMEZONE says so too.
BOOST_AUTO_TEST_CASE(local_times_are_right_in_amsterdam_on_both_sides_of_a_dst_change) {
  const struct {
    std::chrono::sys_seconds start;
    const char* local;
    const char* utc;
  } cases[] = {
      {amsterdam(2027, 3, 27, 16, 0), "2027-03-27T16:00:00", "2027-03-27T15:00:00Z"},
      {amsterdam(2027, 3, 29, 16, 0), "2027-03-29T16:00:00", "2027-03-29T14:00:00Z"},
      {amsterdam(2027, 10, 30, 16, 0), "2027-10-30T16:00:00", "2027-10-30T14:00:00Z"},
      {amsterdam(2027, 11, 1, 16, 0), "2027-11-01T16:00:00", "2027-11-01T15:00:00Z"},
  };
  for (const auto& c : cases) {
    const auto parsed = read_back(mail::to_icalendar(lesson_at(c.start)));
    BOOST_TEST(text(parsed, "dtstart_tzid") == "Europe/Amsterdam");
    BOOST_TEST(text(parsed, "dtstart_local") == c.local);
    BOOST_TEST(text(parsed, "dtstart_utc") == c.utc);
    BOOST_TEST(text(parsed, "dtstart_utc_by_vtimezone") == c.utc);
    BOOST_TEST(text(parsed, "dtend_tzid") == "Europe/Amsterdam");
  }
}

BOOST_AUTO_TEST_CASE(a_cancel_names_the_same_uid_with_a_higher_sequence) {
  auto cancel = lesson_at(amsterdam(2027, 3, 22, 16, 0));
  cancel.method = domain::invite_method::cancel;
  cancel.cancelled = true;
  cancel.sequence = 2;
  const auto parsed = read_back(mail::to_icalendar(cancel));
  BOOST_TEST(text(parsed, "method") == "CANCEL");
  BOOST_TEST(text(parsed, "status") == "CANCELLED");
  BOOST_TEST(text(parsed, "uid") == "0b5e7f3a-5c1d-4d0e-9f51-2f6b1c9d8e71@tutorbot");
  BOOST_TEST(parsed.at("sequence").as_int64() == 2);
  BOOST_TEST(mail::icalendar_content_type(cancel) == "text/calendar; charset=utf-8; method=CANCEL");
}

BOOST_AUTO_TEST_CASE(text_with_commas_semicolons_and_long_lines_survives_folding_and_escaping) {
  auto i = lesson_at(amsterdam(2027, 3, 22, 16, 0));
  i.location = "Oudegracht 120; 3511 AS Utrecht, tweede verdieping (lokaal \"B\")";
  i.summary = "Bijles Nederlands, Engels en wiskunde — éénmalig met Anouk de Vries-van der Berg en nog wat meer tekst";
  const auto parsed = read_back(mail::to_icalendar(i));
  BOOST_TEST(text(parsed, "location") == i.location);
  BOOST_TEST(text(parsed, "summary") == i.summary);
}

BOOST_AUTO_TEST_CASE(an_unknown_time_zone_is_refused) {
  auto i = lesson_at(amsterdam(2027, 3, 22, 16, 0));
  i.time_zone = "Europe/Atlantis";
  BOOST_CHECK_THROW(mail::to_icalendar(i), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
