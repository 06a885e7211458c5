#pragma once
// A day or date the student types to narrow the slot suggestions, in Dutch or English:
// "dinsdag", "di", "morgen", "overmorgen", "vandaag", "12-03", "12/3", "12 maart",
// "march 12", "next friday", "tomorrow", "za ochtend", "friday evening".
//
// Rules: every word must be understood (else nothing: "hallo" is not a date). A weekday
// alone ("dinsdag") means every such weekday; with "volgende"/"komende"/"next"/"this" it
// means the first such date after today. Numeric dates are day first ("12-03" is 12
// March, the Dutch order, also in English); a date without a year is this year, or next
// year when it has passed. "morgen" is tomorrow ("ochtend" is the morning).

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "domain/availability.hpp"
#include "domain/language.hpp"

namespace tutorbot::domain {

struct date_filter {
  std::optional<std::chrono::year_month_day> date;   // one local date
  std::optional<std::array<bool, 7>> weekdays;       // index weekday::c_encoding(), 0 = Sunday
  std::optional<part_of_day> part;

  friend bool operator==(const date_filter&, const date_filter&) = default;
};

// The filter `text` asks for, relative to `now` in `zone`; nullopt when it is not (only)
// a day, date or part of the day.
std::optional<date_filter> parse_date_words(std::string_view text, std::chrono::sys_seconds now,
                                            const date::time_zone* zone);

// How the bot names a filter back to the student, with its preposition: "op dinsdag
// 10 maart 2026", "op dinsdag in de ochtend", "in de avond" / "on Tuesday 10 March 2026",
// "on Tuesday in the morning", "in the evening".
std::string describe(language lang, const date_filter& filter, const date::time_zone* zone);

}  // namespace tutorbot::domain
