#include <boost/test/unit_test.hpp>

#include "domain/date_words.hpp"
#include "dialogue_fixtures.hpp"

using namespace tutorbot::domain;
using namespace std::chrono;
using tutorbot::domain::test::amsterdam;
using tutorbot::domain::test::utc;

namespace {

// Monday 9 March 2026, 11:00 in Amsterdam.
const sys_seconds monday = utc(2026, 3, 9, 10);

std::optional<date_filter> parse(std::string_view text, sys_seconds now = monday) {
  return parse_date_words(text, now, amsterdam());
}

date_filter on(int y, unsigned m, unsigned d, std::optional<part_of_day> part = std::nullopt) {
  return {year_month_day{year{y}, month{m}, day{d}}, std::nullopt, part};
}

date_filter every(std::initializer_list<unsigned> days, std::optional<part_of_day> part = std::nullopt) {
  std::array<bool, 7> w{};
  for (auto d : days) w[d] = true;
  return {std::nullopt, w, part};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(date_words)

BOOST_AUTO_TEST_CASE(relative_days_in_dutch_and_english) {
  BOOST_TEST((parse("vandaag") == on(2026, 3, 9)));
  BOOST_TEST((parse("morgen") == on(2026, 3, 10)));
  BOOST_TEST((parse("Overmorgen") == on(2026, 3, 11)));
  BOOST_TEST((parse("today") == on(2026, 3, 9)));
  BOOST_TEST((parse("tomorrow") == on(2026, 3, 10)));
  BOOST_TEST((parse("the day after tomorrow") == on(2026, 3, 11)));
}

BOOST_AUTO_TEST_CASE(relative_days_follow_the_local_date_not_utc) {
  // 23:30 UTC on Monday is already Tuesday 00:30 in Amsterdam.
  BOOST_TEST((parse("morgen", utc(2026, 3, 9, 23, 30)) == on(2026, 3, 11)));
}

BOOST_AUTO_TEST_CASE(a_weekday_alone_means_every_such_day) {
  BOOST_TEST((parse("dinsdag") == every({2})));
  BOOST_TEST((parse("di") == every({2})));
  BOOST_TEST((parse("Friday") == every({5})));
  BOOST_TEST((parse("di of do") == every({2, 4})));
}

BOOST_AUTO_TEST_CASE(next_weekday_is_the_first_such_date_after_today) {
  BOOST_TEST((parse("next friday") == on(2026, 3, 13)));
  BOOST_TEST((parse("volgende maandag") == on(2026, 3, 16)));  // today is Monday: next week's
  BOOST_TEST((parse("komende dinsdag") == on(2026, 3, 10)));
}

BOOST_AUTO_TEST_CASE(parts_of_the_day_alone_and_with_a_day) {
  BOOST_TEST((parse("za ochtend") == every({6}, part_of_day::morning)));
  BOOST_TEST((parse("friday evening") == every({5}, part_of_day::evening)));
  BOOST_TEST((parse("'s middags") == date_filter{std::nullopt, std::nullopt, part_of_day::afternoon}));
  BOOST_TEST((parse("morgenavond") == on(2026, 3, 10, part_of_day::evening)));
  BOOST_TEST((parse("tomorrow morning") == on(2026, 3, 10, part_of_day::morning)));
}

BOOST_AUTO_TEST_CASE(numeric_dates_are_day_first) {
  BOOST_TEST((parse("12-03") == on(2026, 3, 12)));
  BOOST_TEST((parse("12/3") == on(2026, 3, 12)));
  BOOST_TEST((parse("1-4-2026") == on(2026, 4, 1)));
  BOOST_TEST((parse("op 12.03") == on(2026, 3, 12)));
}

BOOST_AUTO_TEST_CASE(a_date_that_has_passed_this_year_means_next_year) {
  BOOST_TEST((parse("1-3") == on(2027, 3, 1)));
  BOOST_TEST((parse("9 maart") == on(2026, 3, 9)));  // today still counts
}

BOOST_AUTO_TEST_CASE(month_names_in_either_order_and_language) {
  BOOST_TEST((parse("12 maart") == on(2026, 3, 12)));
  BOOST_TEST((parse("12 mrt") == on(2026, 3, 12)));
  BOOST_TEST((parse("March 12th") == on(2026, 3, 12)));
  BOOST_TEST((parse("dinsdag 17 maart") == on(2026, 3, 17)));
  BOOST_TEST((parse("29 februari") == on(2028, 2, 29)));  // the next leap year
}

BOOST_AUTO_TEST_CASE(anything_else_is_not_a_date) {
  BOOST_TEST(!parse("hallo"));
  BOOST_TEST(!parse("3"));
  BOOST_TEST(!parse(""));
  BOOST_TEST(!parse("dinsdag graag met Anouk"));
  BOOST_TEST(!parse("31-02"));
  BOOST_TEST(!parse("12 maart 16:00"));
  BOOST_TEST(!parse("volgende"));
  // Found by fuzz_dialogue: a word that is only an ordinal suffix read before its first letter.
  for (const char* suffix : {"st", "nd", "rd", "th", "e"}) BOOST_TEST(!parse(suffix), suffix);
}

BOOST_AUTO_TEST_CASE(describe_names_the_filter_back) {
  BOOST_TEST(describe(language::nl, *parse("di"), amsterdam()) == "op dinsdag");
  BOOST_TEST(describe(language::en, *parse("za ochtend"), amsterdam()) == "on Saturday in the morning");
  BOOST_TEST(describe(language::nl, *parse("12-03"), amsterdam()) == "op donderdag 12 maart 2026");
  BOOST_TEST(describe(language::nl, *parse("'s avonds"), amsterdam()) == "in de avond");
}

BOOST_AUTO_TEST_SUITE_END()
