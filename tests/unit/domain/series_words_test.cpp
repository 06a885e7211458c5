// How long a series runs, as students type it: a count or an end, in Dutch and English.
#include <boost/test/unit_test.hpp>

#include "domain/instant.hpp"
#include "domain/series_words.hpp"
#include "tests/unit/domain/amsterdam.hpp"

using namespace std::chrono;
using namespace tutorbot::domain;
using test::amsterdam;
using test::local;

namespace {

const std::vector<date_range> holidays{
    {year{2027} / 4 / 24, year{2027} / 5 / 2, "meivakantie"},
    {year{2026} / 7 / 18, year{2026} / 8 / 30, "zomervakantie"},  // passed: the next one counts
    {year{2027} / 7 / 17, year{2027} / 8 / 29, "zomervakantie"},
};

// Tuesday 13 October 2026, 10:00 in Amsterdam.
const sys_seconds now = local(2026, 10, 13, 10, 0);

// What was read, as text: "8 lessons", "until 2027-07-16 zomervakantie", "nothing".
std::string read(std::string_view text) {
  auto l = parse_series_length(text, now, amsterdam(), holidays);
  if (!l) return "nothing";
  if (l->count && !l->until) return std::to_string(*l->count) + " lessons";
  if (l->until && !l->count) return "until " + iso_date(*l->until) + (l->holiday.empty() ? "" : " " + l->holiday);
  return "both";
}

std::string count(int n) { return std::to_string(n) + " lessons"; }
std::string until(year_month_day d, std::string holiday = {}) {
  return "until " + iso_date(d) + (holiday.empty() ? "" : " " + holiday);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(series_words)

BOOST_AUTO_TEST_CASE(a_number_of_lessons_in_either_language) {
  BOOST_TEST(read("8") == count(8));
  BOOST_TEST(read("8 lessen") == count(8));
  BOOST_TEST(read(" 10 Keer ") == count(10));
  BOOST_TEST(read("6x") == count(6));
  BOOST_TEST(read("12 lessons") == count(12));
  BOOST_TEST(read("1 les") == count(1));
}

BOOST_AUTO_TEST_CASE(an_end_date_is_the_last_date_a_lesson_may_fall_on) {
  BOOST_TEST(read("tot 1 juli") == until(year{2027} / 7 / 1));
  BOOST_TEST(read("t/m 15-12") == until(year{2026} / 12 / 15));
  BOOST_TEST(read("tot en met 15 december") == until(year{2026} / 12 / 15));
  BOOST_TEST(read("until July 1") == until(year{2027} / 7 / 1));
  BOOST_TEST(read("until 1-7-2027") == until(year{2027} / 7 / 1));
}

BOOST_AUTO_TEST_CASE(a_holiday_by_name_ends_the_series_the_day_before_it_begins) {
  BOOST_TEST(read("tot de zomervakantie") == until(year{2027} / 7 / 16, "zomervakantie"));
  BOOST_TEST(read("Tot de Meivakantie!") == until(year{2027} / 4 / 23, "meivakantie"));
  BOOST_TEST(read("until the zomervakantie") == until(year{2027} / 7 / 16, "zomervakantie"));
  BOOST_TEST(read("tot zomervakantie") == until(year{2027} / 7 / 16, "zomervakantie"));
}

BOOST_AUTO_TEST_CASE(anything_else_is_not_a_length) {
  BOOST_TEST(read("8 weken") == "nothing");
  BOOST_TEST(read("0") == "nothing");
  BOOST_TEST(read("1000 lessen") == "nothing");
  BOOST_TEST(read("acht") == "nothing");
  BOOST_TEST(read("tot dinsdag") == "nothing");     // a weekday is not an end
  BOOST_TEST(read("tot de kerst") == "nothing");    // no such holiday
  BOOST_TEST(read("tot") == "nothing");
  BOOST_TEST(read("hallo") == "nothing");
  BOOST_TEST(read("") == "nothing");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(series_clash_words)

BOOST_AUTO_TEST_CASE(each_date_the_plan_could_not_keep_is_named_with_its_reason_in_either_language) {
  series_plan plan;
  const auto at = [](unsigned mo, unsigned d) { return slot{local(2027, mo, d, 16, 0), local(2027, mo, d, 17, 0)}; };
  plan.collisions = {{year{2027} / 4 / 27, at(4, 27), collision_reason::closed, "meivakantie"},
                     {year{2027} / 5 / 4, at(5, 4), collision_reason::taken, ""},
                     {year{2027} / 5 / 11, at(5, 11), collision_reason::closed, ""},
                     {year{2027} / 5 / 18, at(5, 18), collision_reason::day_full, ""}};
  plan.moved = {{at(5, 4), at(5, 6)}};
  const std::vector<std::string> nl{"di 27 apr valt in de meivakantie", "di 4 mei wordt do 6 mei 16:00",
                                    "di 11 mei: die dag zijn er geen lessen", "di 18 mei: die dag zit vol"};
  BOOST_TEST(describe_clashes(language::nl, plan, amsterdam()) == nl, boost::test_tools::per_element());
  const std::vector<std::string> en{"Tue 27 Apr falls in the meivakantie", "Tue 4 May moves to Thu 6 May 4:00 pm",
                                    "Tue 11 May: no lessons that day", "Tue 18 May: that day is full"};
  BOOST_TEST(describe_clashes(language::en, plan, amsterdam()) == en, boost::test_tools::per_element());
  BOOST_TEST(describe_clashes(language::nl, series_plan{}, amsterdam()).empty());
}

BOOST_AUTO_TEST_SUITE_END()
