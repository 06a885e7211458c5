#include "domain/local_format.hpp"

#include <array>

namespace tutorbot::domain {
namespace {

// Index: weekday::c_encoding(), 0 = Sunday.
constexpr std::array<std::string_view, 7> weekday_short_nl{"zo", "ma", "di", "wo", "do", "vr", "za"};
constexpr std::array<std::string_view, 7> weekday_long_nl{"zondag",   "maandag", "dinsdag", "woensdag",
                                                          "donderdag", "vrijdag", "zaterdag"};
constexpr std::array<std::string_view, 7> weekday_short_en{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> weekday_long_en{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                          "Thursday", "Friday", "Saturday"};
// Index: month - 1.
constexpr std::array<std::string_view, 12> month_short_nl{"jan", "feb", "mrt", "apr", "mei", "jun",
                                                          "jul", "aug", "sep", "okt", "nov", "dec"};
constexpr std::array<std::string_view, 12> month_long_nl{"januari", "februari", "maart",     "april",
                                                         "mei",     "juni",     "juli",      "augustus",
                                                         "september", "oktober", "november", "december"};
constexpr std::array<std::string_view, 12> month_short_en{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 12> month_long_en{"January", "February", "March",     "April",
                                                         "May",     "June",     "July",      "August",
                                                         "September", "October", "November", "December"};

constexpr std::string_view en_dash = "\u2013";

struct local_parts {
  std::chrono::local_days day;  // local calendar day (std::chrono clock, date-free arithmetic)
  unsigned weekday = 0;         // c_encoding
  int year = 0;
  unsigned month = 0;
  unsigned day_of_month = 0;
  int hour = 0;
  int minute = 0;
};

local_parts to_local(sys_seconds t, const date::time_zone* zone) {
  const auto local = date::make_zoned(zone, t).get_local_time();
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const auto since_midnight = std::chrono::duration_cast<std::chrono::minutes>(local - day);
  local_parts p;
  p.day = std::chrono::local_days{std::chrono::days{day.time_since_epoch().count()}};
  p.weekday = date::weekday{day}.c_encoding();
  p.year = static_cast<int>(ymd.year());
  p.month = static_cast<unsigned>(ymd.month());
  p.day_of_month = static_cast<unsigned>(ymd.day());
  p.hour = static_cast<int>(since_midnight.count() / 60);
  p.minute = static_cast<int>(since_midnight.count() % 60);
  return p;
}

std::string two_digits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

std::string clock(language lang, const local_parts& p, bool with_suffix) {
  if (lang == language::nl) return two_digits(p.hour) + ":" + two_digits(p.minute);
  const int h12 = p.hour % 12 == 0 ? 12 : p.hour % 12;
  std::string out = std::to_string(h12) + ":" + two_digits(p.minute);
  if (with_suffix) out += p.hour < 12 ? " am" : " pm";
  return out;
}

std::string date_short(language lang, const local_parts& p) {
  const auto& wd = lang == language::nl ? weekday_short_nl : weekday_short_en;
  const auto& mo = lang == language::nl ? month_short_nl : month_short_en;
  return std::string{wd[p.weekday]} + " " + std::to_string(p.day_of_month) + " " +
         std::string{mo[p.month - 1]};
}

std::string date_long(language lang, const local_parts& p) {
  const auto& wd = lang == language::nl ? weekday_long_nl : weekday_long_en;
  const auto& mo = lang == language::nl ? month_long_nl : month_long_en;
  return std::string{wd[p.weekday]} + " " + std::to_string(p.day_of_month) + " " +
         std::string{mo[p.month - 1]} + " " + std::to_string(p.year);
}

}  // namespace

std::string format_time(language lang, sys_seconds t, const date::time_zone* zone) {
  return clock(lang, to_local(t, zone), true);
}

std::string format_date_short(language lang, sys_seconds t, const date::time_zone* zone) {
  return date_short(lang, to_local(t, zone));
}

std::string format_date_long(language lang, sys_seconds t, const date::time_zone* zone) {
  return date_long(lang, to_local(t, zone));
}

std::string format_start_short(language lang, sys_seconds start, const date::time_zone* zone) {
  const auto p = to_local(start, zone);
  return date_short(lang, p) + " " + clock(lang, p, true);
}

std::string format_date_time_long(language lang, sys_seconds t, const date::time_zone* zone) {
  const auto p = to_local(t, zone);
  return date_long(lang, p) + (lang == language::nl ? " om " : " at ") + clock(lang, p, true);
}

std::string format_slot(language lang, sys_seconds start, sys_seconds end,
                        const date::time_zone* zone) {
  const auto a = to_local(start, zone);
  const auto b = to_local(end, zone);
  const bool ends_at_next_midnight =
      b.day == a.day + std::chrono::days{1} && b.hour == 0 && b.minute == 0;
  if (b.day != a.day && !ends_at_next_midnight) {
    // Spaced dash between compound terms (Dutch and English typography agree here).
    return date_short(lang, a) + " " + clock(lang, a, true) + " " + std::string{en_dash} + " " +
           date_short(lang, b) + " " + clock(lang, b, true);
  }
  // An end at the next midnight is "12:00 am" — not the same half of the day as a pm start.
  const bool same_half = (a.hour < 12) == (b.hour < 12) && !ends_at_next_midnight;
  return date_short(lang, a) + " " + clock(lang, a, !same_half) + std::string{en_dash} +
         clock(lang, b, true);
}

std::string format_slot(language lang, sys_seconds start, sys_seconds end, std::string_view zone) {
  return format_slot(lang, start, end, date::locate_zone(zone));
}

std::string format_date_time_long(language lang, sys_seconds t, std::string_view zone) {
  return format_date_time_long(lang, t, date::locate_zone(zone));
}

}  // namespace tutorbot::domain
