#include "domain/date_words.hpp"

#include <cctype>
#include <charconv>
#include <vector>

#include "domain/local_format.hpp"
#include "domain/texts.hpp"
#include "domain/whatsapp_text.hpp"

namespace tutorbot::domain {

namespace {

using namespace std::chrono;

// Vocabulary for parsing (folded: lower case, no diacritics). Index = weekday c_encoding.
struct word_number {
  std::string_view word;
  unsigned number;
};

constexpr word_number weekday_words[] = {
    {"zondag", 0},    {"zo", 0},     {"sunday", 0},    {"sun", 0},   {"zondagen", 0},  {"sundays", 0},
    {"maandag", 1},   {"ma", 1},     {"monday", 1},    {"mon", 1},   {"maandagen", 1}, {"mondays", 1},
    {"dinsdag", 2},   {"di", 2},     {"tuesday", 2},   {"tue", 2},   {"tues", 2},      {"dinsdagen", 2},
    {"tuesdays", 2},  {"woensdag", 3}, {"wo", 3},      {"wednesday", 3}, {"wed", 3},   {"woensdagen", 3},
    {"wednesdays", 3}, {"donderdag", 4}, {"do", 4},    {"thursday", 4}, {"thu", 4},    {"thur", 4},
    {"thurs", 4},     {"donderdagen", 4}, {"thursdays", 4}, {"vrijdag", 5}, {"vr", 5}, {"vrij", 5},
    {"friday", 5},    {"fri", 5},    {"vrijdagen", 5}, {"fridays", 5}, {"zaterdag", 6}, {"za", 6},
    {"zat", 6},       {"saturday", 6}, {"sat", 6},     {"zaterdagen", 6}, {"saturdays", 6},
};

constexpr word_number month_words[] = {
    {"januari", 1}, {"january", 1}, {"jan", 1},    {"februari", 2}, {"february", 2}, {"feb", 2},
    {"maart", 3},   {"march", 3},   {"mrt", 3},    {"mar", 3},      {"april", 4},    {"apr", 4},
    {"mei", 5},     {"may", 5},     {"juni", 6},   {"june", 6},     {"jun", 6},      {"juli", 7},
    {"july", 7},    {"jul", 7},     {"augustus", 8}, {"august", 8}, {"aug", 8},      {"september", 9},
    {"sep", 9},     {"sept", 9},    {"oktober", 10}, {"october", 10}, {"okt", 10},   {"oct", 10},
    {"november", 11}, {"nov", 11},  {"december", 12}, {"dec", 12},
};

constexpr std::string_view filler_words[] = {"op", "on", "in", "de", "het", "the", "om", "at",
                                             "'s", "s", "van", "of", "or", "en", "and", "a"};
constexpr std::string_view next_words[] = {"volgende", "komende", "aanstaande", "next",
                                           "this", "deze", "coming"};

std::optional<unsigned> lookup(std::span<const word_number> table, std::string_view word) {
  for (const auto& w : table)
    if (w.word == word) return w.number;
  return std::nullopt;
}

template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view word) {
  for (auto w : list)
    if (w == word) return true;
  return false;
}

std::optional<part_of_day> part_word(std::string_view w) {
  if (w == "ochtend" || w == "ochtends" || w == "morgens" || w == "morning") return part_of_day::morning;
  if (w == "middag" || w == "middags" || w == "afternoon") return part_of_day::afternoon;
  if (w == "avond" || w == "avonds" || w == "evening" || w == "tonight") return part_of_day::evening;
  return std::nullopt;
}

std::optional<unsigned> number(std::string_view s) {
  unsigned v = 0;
  if (s.empty() || s.size() > 4) return std::nullopt;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "12-03", "12/3", "12.03.2026" → day, month, optional year.
struct numeric_date {
  unsigned day, month;
  std::optional<int> year;
};
std::optional<numeric_date> numeric(std::string_view w) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= w.size(); ++i) {
    if (i == w.size() || w[i] == '-' || w[i] == '/' || w[i] == '.') {
      parts.push_back(w.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
  if (parts.size() == 3 && parts[2].empty()) parts.pop_back();  // "12.03."
  const auto d = number(parts[0]);
  const auto m = number(parts[1]);
  if (!d || !m) return std::nullopt;
  numeric_date out{*d, *m, std::nullopt};
  if (parts.size() == 3) {
    const auto y = number(parts[2]);
    if (!y) return std::nullopt;
    out.year = static_cast<int>(*y < 100 ? 2000 + *y : *y);
  }
  return out;
}

// A day and month without a year: this year, or next year once it has passed.
std::optional<year_month_day> resolve(unsigned d, unsigned m, std::optional<int> y, year_month_day today) {
  if (y) {
    const year_month_day date{year{*y}, month{m}, day{d}};
    return date.ok() ? std::optional{date} : std::nullopt;
  }
  year_month_day date{today.year(), month{m}, day{d}};
  if (!date.ok() && !(month{m} == February && day{d} == day{29})) return std::nullopt;
  if (date.ok() && date >= today) return date;
  for (int add = 1; add <= 4; ++add) {  // 29 February: the next leap year
    date = year_month_day{today.year() + years{add}, month{m}, day{d}};
    if (date.ok()) return date;
  }
  return std::nullopt;
}

}  // namespace

std::optional<date_filter> parse_date_words(std::string_view text, sys_seconds now,
                                            const date::time_zone* zone) {
  std::string folded = fold_for_matching(text);
  for (auto& c : folded)
    if (c == ',' || c == '!' || c == '?') c = ' ';
  // Multi-word phrases first.
  for (const auto& [phrase, word] : {std::pair{"day after tomorrow", "overmorgen"},
                                     std::pair{"'s ochtends", "ochtend"},
                                     std::pair{"'s middags", "middag"},
                                     std::pair{"'s avonds", "avond"},
                                     std::pair{"'s morgens", "ochtend"}}) {
    const std::string_view p = phrase;
    for (auto pos = folded.find(p); pos != std::string::npos; pos = folded.find(p))
      folded.replace(pos, p.size(), word);
  }
  std::vector<std::string_view> words;
  {
    std::string_view rest = folded;
    while (!rest.empty()) {
      const auto space = rest.find(' ');
      if (space != 0) words.push_back(rest.substr(0, space));
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space + 1);
    }
  }
  if (words.empty()) return std::nullopt;

  const auto local_now = date::make_zoned(zone, now).get_local_time();
  const year_month_day today{sys_days{floor<days>(local_now.time_since_epoch())}};

  date_filter out;
  std::array<bool, 7> weekdays{};
  bool any_weekday = false;
  bool next = false;
  unsigned pending_day = 0;    // "12" waiting for "maart"; 0 = none
  unsigned pending_month = 0;  // "march" waiting for "12"; 0 = none
  bool meaningful = false;

  auto set_relative = [&](int add) {
    out.date = year_month_day{sys_days{today} + days{add}};
    meaningful = true;
  };

  for (std::string_view w : words) {
    if (w == "vandaag" || w == "today") { set_relative(0); continue; }
    if (w == "tonight") { set_relative(0); out.part = part_of_day::evening; continue; }
    if (w == "morgen" || w == "tomorrow") { set_relative(1); continue; }
    if (w == "overmorgen") { set_relative(2); continue; }
    if (w.starts_with("morgen") && part_word(w.substr(6))) {  // "morgenochtend"
      set_relative(1);
      out.part = part_word(w.substr(6));
      continue;
    }
    if (const auto p = part_word(w)) { out.part = p; meaningful = true; continue; }
    if (const auto wd = lookup(weekday_words, w)) {
      weekdays[*wd] = true;
      any_weekday = true;
      meaningful = true;
      continue;
    }
    if (contains(next_words, w)) { next = true; continue; }
    if (contains(filler_words, w)) continue;
    if (const auto m = lookup(month_words, w)) {
      if (pending_day) {
        out.date = resolve(pending_day, *m, std::nullopt, today);
        if (!out.date) return std::nullopt;
        pending_day = 0;
        meaningful = true;
      } else {
        pending_month = *m;
      }
      continue;
    }
    std::string_view digits = w;
    for (std::string_view suffix : {"st", "nd", "rd", "th", "e"})  // "12th", "12e"; a bare "rd" is no number
      if (digits.size() > suffix.size() && digits.ends_with(suffix) &&
          std::isdigit(static_cast<unsigned char>(digits[digits.size() - suffix.size() - 1]))) {
        digits.remove_suffix(suffix.size());
        break;
      }
    if (const auto n = number(digits); n && *n >= 1 && *n <= 31) {
      if (pending_month) {
        out.date = resolve(*n, pending_month, std::nullopt, today);
        if (!out.date) return std::nullopt;
        pending_month = 0;
        meaningful = true;
      } else {
        pending_day = *n;
      }
      continue;
    }
    if (const auto nd = numeric(w)) {
      out.date = resolve(nd->day, nd->month, nd->year, today);
      if (!out.date) return std::nullopt;
      meaningful = true;
      continue;
    }
    return std::nullopt;  // a word that is not about a day: not a date filter
  }
  if (pending_day != 0 || pending_month != 0 || !meaningful) return std::nullopt;

  if (any_weekday && !out.date) {
    if (next) {
      for (int add = 1; add <= 7; ++add) {
        const sys_days d = sys_days{today} + days{add};
        if (weekdays[weekday{d}.c_encoding()]) {
          out.date = year_month_day{d};
          break;
        }
      }
    } else {
      out.weekdays = weekdays;
    }
  }
  return out;
}

std::string describe(language lang, const date_filter& filter, const date::time_zone* zone) {
  std::string day;
  if (filter.date) {
    const auto local = date::local_days{sys_days{*filter.date}.time_since_epoch()};
    const auto t = date::make_zoned(zone, local + hours{12}).get_sys_time();
    day = format_date_long(lang, floor<seconds>(t), zone);
  } else if (filter.weekdays) {
    std::string_view names = text_template(lang, msg::weekday_names);
    std::vector<std::string_view> list;
    while (!names.empty()) {
      const auto bar = names.find('|');
      list.push_back(names.substr(0, bar));
      if (bar == std::string_view::npos) break;
      names.remove_prefix(bar + 1);
    }
    // Monday first, as a person lists them.
    for (unsigned i = 1; i <= 7; ++i) {
      const unsigned wd = i % 7;
      if (!(*filter.weekdays)[wd] || wd >= list.size()) continue;
      if (!day.empty()) day += '/';
      day += list[wd];
    }
  }
  std::string out;
  if (!day.empty()) out = render_text(lang, msg::filter_on, {{"day", day}});
  if (filter.part) {
    const msg part = *filter.part == part_of_day::morning     ? msg::filter_morning
                     : *filter.part == part_of_day::afternoon ? msg::filter_afternoon
                                                              : msg::filter_evening;
    if (!out.empty()) out += ' ';
    out += text_template(lang, part);
  }
  return out;
}

}  // namespace tutorbot::domain
