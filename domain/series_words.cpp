#include "domain/series_words.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include <date/tz.h>

#include "domain/date_words.hpp"
#include "domain/local_format.hpp"
#include "domain/texts.hpp"
#include "domain/whatsapp_text.hpp"

namespace tutorbot::domain {

namespace {

using namespace std::chrono;

constexpr std::string_view lesson_words[] = {"les", "lessen", "keer", "x", "lesson", "lessons", "times"};
// Longest first, so "tot en met" is not read as "tot".
constexpr std::string_view until_words[] = {"tot en met", "tot", "t/m", "tm", "until", "till", "up to", "through", "to"};
constexpr std::string_view article_words[] = {"de", "het", "the"};

bool one_of(std::span<const std::string_view> words, std::string_view w) {
  for (auto x : words)
    if (x == w) return true;
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '.' || s.back() == '!')) s.remove_suffix(1);
  return s;
}

std::optional<int> lesson_count(std::string_view text) {
  int n = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (error != std::errc{} || end == text.data() || n < 1 || n > 999) return std::nullopt;
  const auto unit = trim(std::string_view(end, static_cast<std::size_t>(text.data() + text.size() - end)));
  if (!unit.empty() && !one_of(lesson_words, unit)) return std::nullopt;
  return n;
}

// The end a student names after "tot" / "until": a holiday by name, else a date.
std::optional<series_length> named_end(std::string_view rest, sys_seconds now, const date::time_zone* zone,
                                       std::span<const date_range> holidays) {
  auto name = rest;
  for (auto article : article_words)
    if (name.size() > article.size() && name.substr(0, article.size()) == article && name[article.size()] == ' ')
      name = trim(name.substr(article.size()));
  const auto local_today = floor<days>(date::make_zoned(zone, now).get_local_time());
  const year_month_day today{sys_days{local_today.time_since_epoch()}};
  const date_range* next = nullptr;
  for (const auto& h : holidays)
    if (!h.name.empty() && fold_for_matching(h.name) == name && h.first > today && (!next || h.first < next->first))
      next = &h;
  if (next) return series_length{std::nullopt, year_month_day{sys_days{next->first} - days{1}}, next->name};
  auto words = parse_date_words(rest, now, zone);
  if (!words || !words->date || words->weekdays || words->part) return std::nullopt;
  return series_length{std::nullopt, *words->date, {}};
}

}  // namespace

std::optional<series_length> parse_series_length(std::string_view text, sys_seconds now, const date::time_zone* zone,
                                                 std::span<const date_range> holidays) {
  const std::string folded = fold_for_matching(text);
  const auto t = trim(folded);
  if (auto n = lesson_count(t)) return series_length{*n, std::nullopt, {}};
  for (auto until : until_words) {
    if (t.size() <= until.size() || t.substr(0, until.size()) != until || t[until.size()] != ' ') continue;
    return named_end(trim(t.substr(until.size())), now, zone, holidays);
  }
  return std::nullopt;
}

std::vector<std::string> describe_clashes(language lang, const series_plan& plan, const date::time_zone* zone) {
  std::vector<std::string> out;
  for (const auto& clash : plan.collisions) {
    const auto date = format_date_short(lang, clash.when.start, zone);
    const auto moved = std::find_if(plan.moved.begin(), plan.moved.end(),
                                    [&](const occurrence_move& m) { return m.from.start == clash.when.start; });
    if (moved != plan.moved.end()) {
      out.push_back(render_text(lang, msg::series_moved,
                                {{"date", date}, {"moved_to", format_start_short(lang, moved->to.start, zone)}}));
      continue;
    }
    switch (clash.reason) {
      case collision_reason::closed:
        out.push_back(clash.name.empty() ? render_text(lang, msg::series_clash_closed, {{"date", date}})
                                         : render_text(lang, msg::series_clash_holiday, {{"date", date}, {"name", clash.name}}));
        break;
      case collision_reason::outside_hours:
        out.push_back(render_text(lang, msg::series_clash_unavailable, {{"date", date}}));
        break;
      case collision_reason::taken: out.push_back(render_text(lang, msg::series_clash_taken, {{"date", date}})); break;
      case collision_reason::day_full: out.push_back(render_text(lang, msg::series_clash_day_full, {{"date", date}})); break;
      case collision_reason::too_soon: out.push_back(render_text(lang, msg::series_clash_too_soon, {{"date", date}})); break;
      case collision_reason::beyond_horizon:
        out.push_back(render_text(lang, msg::series_clash_too_far, {{"date", date}}));
        break;
    }
  }
  return out;
}

}  // namespace tutorbot::domain
