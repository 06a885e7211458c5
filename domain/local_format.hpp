#pragma once
// Lesson times as a student reads them, in the school's zone. Instants stay UTC
// (sys_seconds) everywhere else; this is one of the edges where they become local.
//
//   slot, nl   "di 12 mrt 16:00–17:00"          en  "Tue 12 Mar 4:00–5:00 pm"
//   long, nl   "dinsdag 12 maart 2026 om 16:00"  en  "Tuesday 12 March 2026 at 4:00 pm"
//   date, nl   "di 12 mrt"                       en  "Tue 12 Mar"
//
// English uses a 12-hour clock: "12:00 pm" is noon, "12:00 am" midnight; a range names
// am/pm once when both ends share it ("4:00–5:00 pm"), else on each ("11:30 am–12:30 pm").
// A range that ends on a later local day names that day: "za 14 mrt 23:30 – zo 15 mrt
// 00:30"; ending exactly at the next midnight does not ("23:00–00:00").

#include <chrono>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "domain/language.hpp"

namespace tutorbot::domain {

using std::chrono::sys_seconds;

// "16:00" / "4:00 pm"
std::string format_time(language lang, sys_seconds t, const date::time_zone* zone);
// "di 12 mrt" / "Tue 12 Mar" — the local date of t.
std::string format_date_short(language lang, sys_seconds t, const date::time_zone* zone);
// "dinsdag 12 maart 2026" / "Tuesday 12 March 2026"
std::string format_date_long(language lang, sys_seconds t, const date::time_zone* zone);
// "dinsdag 12 maart 2026 om 16:00" / "Tuesday 12 March 2026 at 4:00 pm"
std::string format_date_time_long(language lang, sys_seconds t, const date::time_zone* zone);
// "di 12 mrt 16:00" / "Tue 12 Mar 4:00 pm": a lesson's start as a choice's title. At most
// 19 characters on every date (WhatsApp's button titles take 20); the end is said elsewhere.
std::string format_start_short(language lang, sys_seconds start, const date::time_zone* zone);
// "di 12 mrt 16:00–17:00" / "Tue 12 Mar 4:00–5:00 pm"; requires start <= end.
std::string format_slot(language lang, sys_seconds start, sys_seconds end,
                        const date::time_zone* zone);

// Same, by IANA zone name ("Europe/Amsterdam"); an unknown name throws std::runtime_error
// (date::locate_zone) — zone names are validated when the configuration loads.
std::string format_slot(language lang, sys_seconds start, sys_seconds end, std::string_view zone);
std::string format_date_time_long(language lang, sys_seconds t, std::string_view zone);

}  // namespace tutorbot::domain
