#pragma once
// The words of a weekly or bi-weekly series in the chat. How long it runs, as a student types
// it in Dutch or English:
// a number of lessons ("8", "8 lessen", "10 keer", "12 lessons", "6x") or an end: a date
// ("tot 1 juli", "t/m 12-03", "until July 1") or a school holiday by its name ("tot de
// zomervakantie", "until the zomervakantie": the lessons stop before it begins). And how the
// bot names the dates its plan left out or moved.
// Every word must be understood, else nothing ("8 weken" is not a count of lessons: every two
// weeks it would be four).
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/calendar_rules.hpp"
#include "domain/language.hpp"
#include "domain/recurrence.hpp"

namespace date {
class time_zone;
}

namespace tutorbot::domain {

struct series_length {
  std::optional<int> count;                          // exactly one of count and until
  std::optional<std::chrono::year_month_day> until;  // the last local date a lesson may fall on
  std::string holiday;                               // the holiday named, when the end is one

  friend bool operator==(const series_length&, const series_length&) = default;
};

// Relative to `now` in `zone`: a date without a year is this year's, or next year's once
// passed; a holiday is its next occurrence that has not begun. A count is 1 to 999.
std::optional<series_length> parse_series_length(std::string_view text, std::chrono::sys_seconds now,
                                                 const date::time_zone* zone, std::span<const date_range> holidays);

// One line per date the plan could not keep, in its order: "di 14 apr valt in de meivakantie",
// "di 21 apr: die tijd is al bezet", "di 28 apr wordt do 30 apr 16:00".
std::vector<std::string> describe_clashes(language lang, const series_plan& plan, const date::time_zone* zone);

}  // namespace tutorbot::domain
