// calendar_config.yaml: the school's time zone, holidays, and each tutor's hours.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <date/tz.h>
#include <set>

#include "config/sections.hpp"

namespace tutorbot::config::detail {
namespace {

using namespace std::chrono;
using domain::minute_range;

constexpr std::string_view day_keys[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::optional<int> parse_hhmm(std::string_view t) {
  if (t.size() != 5 || t[2] != ':') return std::nullopt;
  const auto h = parse_int(t.substr(0, 2));
  const auto m = parse_int(t.substr(3, 2));
  if (!h || !m || t[0] == '+' || t[3] == '+' || *m > 59 || *h > 24 || (*h == 24 && *m != 0))
    return std::nullopt;
  return static_cast<int>(*h * 60 + *m);
}

std::optional<minute_range> get_range(const YAML::Node& n, const sink& s, const std::string& path) {
  const auto text = get_string(n, s, path);
  if (!text) return std::nullopt;
  std::string_view t = *text;
  const auto dash = t.find('-');
  std::optional<int> b, e;
  if (dash != std::string_view::npos) {
    auto l = t.substr(0, dash), r = t.substr(dash + 1);
    while (!l.empty() && l.back() == ' ') l.remove_suffix(1);
    while (!r.empty() && r.front() == ' ') r.remove_prefix(1);
    b = parse_hhmm(l);
    e = parse_hhmm(r);
  }
  if (!b || !e) {
    s.add(n, path, quote(t) + " is not HH:MM-HH:MM");
    return std::nullopt;
  }
  if (*e <= *b) {
    s.add(n, path, quote(t) + ": the end is not after the start");
    return std::nullopt;
  }
  return minute_range{*b, *e};
}

// A list of ranges; overlaps are reported when `disjoint` (working hours must not overlap,
// or a lesson could be counted twice).
std::vector<minute_range> get_ranges(const YAML::Node& n, const sink& s, const std::string& path,
                                     bool disjoint) {
  std::vector<std::pair<minute_range, YAML::Node>> items;
  each_item(n, s, path, [&](std::size_t i, const YAML::Node& item) {
    if (auto r = get_range(item, s, index(path, i))) items.emplace_back(*r, item);
  });
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first.begin < b.first.begin; });
  std::vector<minute_range> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (disjoint && i > 0 && items[i].first.begin < items[i - 1].first.end)
      s.add(items[i].second, path,
            quote(domain::to_string(items[i].first)) + " overlaps " +
                quote(domain::to_string(items[i - 1].first)));
    out.push_back(items[i].first);
  }
  return out;
}

std::optional<year_month_day> parse_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  const auto y = parse_int(t.substr(0, 4)), m = parse_int(t.substr(5, 2)), d = parse_int(t.substr(8, 2));
  if (!y || !m || !d || *m < 1 || *d < 1) return std::nullopt;
  const year_month_day ymd{year{static_cast<int>(*y)}, month{static_cast<unsigned>(*m)},
                           day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::optional<year_month_day> get_date(const YAML::Node& n, const sink& s, const std::string& path) {
  const auto text = get_string(n, s, path);
  if (!text) return std::nullopt;
  auto d = parse_date(*text);
  if (!d) s.add(n, path, quote(*text) + " is not a date YYYY-MM-DD");
  return d;
}

// "2026-11-12 15:30", or a bare date: its start, or with end_of_day the next midnight.
std::optional<domain::local_minutes> get_local_time(const YAML::Node& n, const sink& s,
                                                    const std::string& path, bool end_of_day) {
  const auto text = get_string(n, s, path);
  if (!text) return std::nullopt;
  std::string_view t = *text;
  const auto d = parse_date(t.substr(0, std::min<std::size_t>(10, t.size())));
  if (d && t.size() == 10) return local_days{*d} + (end_of_day ? days{1} : days{0});
  if (d && t.size() == 16 && (t[10] == ' ' || t[10] == 'T')) {
    if (auto m = parse_hhmm(t.substr(11))) return local_days{*d} + minutes{*m};
  }
  s.add(n, path, quote(t) + " is not a date-time YYYY-MM-DD HH:MM (or a date YYYY-MM-DD)");
  return std::nullopt;
}

std::string show(year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

// A list whose items are a date, or {from, to, name} with both ends inclusive.
std::vector<domain::date_range> get_date_ranges(const YAML::Node& n, const sink& s,
                                                const std::string& path) {
  std::vector<domain::date_range> out;
  each_item(n, s, path, [&](std::size_t i, const YAML::Node& item) {
    const auto p = index(path, i);
    if (item.IsScalar()) {
      if (auto d = get_date(item, s, p)) out.push_back({*d, *d, {}});
      return;
    }
    domain::date_range r{};
    bool ok = true;
    int to_line = 0;
    const bool is_map = each_entry(item, s, p, {"from", "to", "name"}, {"from", "to"},
                                   [&](const std::string& key, const YAML::Node& v) {
      const auto kp = join(p, key);
      if (key == "name") {
        if (auto t = get_string(v, s, kp)) r.name = *t;
      } else if (auto d = get_date(v, s, kp)) {
        (key == "from" ? r.first : r.last) = *d;
        if (key == "to") to_line = line_of(v);
      } else {
        ok = false;
      }
    });
    if (!is_map || !ok || !r.first.ok() || !r.last.ok()) return;
    if (r.last < r.first) {
      s.add(to_line, join(p, "to"), show(r.last) + " is before from " + show(r.first));
      return;
    }
    out.push_back(std::move(r));
  });
  return out;
}

// Settings a tutor inherits from `defaults` unless it sets them itself.
struct settings {
  minutes buffer_before{0}, buffer_after{0}, min_notice{0}, slot_step{15};
  days horizon{56};
  std::vector<int> durations{60};
  int max_lessons_per_day = 0;
  // Where durations were set, to report durations that do not fit slot_step there.
  int durations_line = 0;
  std::string durations_path;
};

const std::initializer_list<std::string_view> setting_keys = {
    "buffer_before_minutes", "buffer_after_minutes", "min_notice_hours",  "horizon_weeks",
    "slot_step_minutes",     "durations_minutes",    "max_lessons_per_day"};

void read_setting(const std::string& key, const YAML::Node& v, const sink& s, const std::string& p,
                  settings& st) {
  if (key == "buffer_before_minutes") {
    if (auto n = get_int(v, s, p, 0, 240)) st.buffer_before = minutes{*n};
  } else if (key == "buffer_after_minutes") {
    if (auto n = get_int(v, s, p, 0, 240)) st.buffer_after = minutes{*n};
  } else if (key == "min_notice_hours") {
    if (auto n = get_int(v, s, p, 0, 24 * 30)) st.min_notice = hours{*n};
  } else if (key == "horizon_weeks") {
    if (auto n = get_int(v, s, p, 1, 104)) st.horizon = weeks{*n};
  } else if (key == "slot_step_minutes") {
    if (auto n = get_int(v, s, p, 1, 240)) {
      if (domain::minutes_per_day % *n == 0) st.slot_step = minutes{*n};
      else s.add(v, p, std::to_string(*n) + " does not divide a day: use 5, 10, 15, 20, 30 or 60");
    }
  } else if (key == "durations_minutes") {
    std::vector<int> ds;
    const auto before = s.out->size();
    const bool list = each_item(v, s, p, [&](std::size_t i, const YAML::Node& item) {
      const auto ip = index(p, i);
      const auto n = item.IsScalar() ? parse_int(item.Scalar()) : std::nullopt;
      if (!n) s.add(item, ip, "expected an integer, found " + quote(item.IsScalar() ? item.Scalar() : "a structure"));
      else if (*n <= 0) s.add(item, ip, std::to_string(*n) + " is not a positive number of minutes");
      else if (*n > 8 * 60) s.add(item, ip, std::to_string(*n) + " is longer than 480 minutes");
      else if (std::find(ds.begin(), ds.end(), *n) != ds.end()) s.add(item, ip, std::to_string(*n) + " is listed twice");
      else ds.push_back(static_cast<int>(*n));
    });
    if (!list || s.out->size() != before) return;
    if (ds.empty()) {
      s.add(v, p, "must list at least one lesson length");
      return;
    }
    std::sort(ds.begin(), ds.end());
    st.durations = std::move(ds);
    st.durations_line = line_of(v);
    st.durations_path = p;
  } else {
    if (auto n = get_int(v, s, p, 0, 48)) st.max_lessons_per_day = static_cast<int>(*n);
  }
}

// A duration that is not a multiple of the step could never start on the slot grid
// and end on it, so such lessons would quietly never be offered.
void check_settings(const settings& st, const sink& s) {
  for (int d : st.durations)
    if (d % st.slot_step.count() != 0)
      s.add(st.durations_line, st.durations_path,
            std::to_string(d) + " is not a multiple of slot_step_minutes (" +
                std::to_string(st.slot_step.count()) + ")");
}

void read_weekly(const YAML::Node& n, const sink& s, const std::string& path,
                 domain::weekly_ranges& out, bool breaks) {
  const auto read_day = [&](const std::string& key, const YAML::Node& v) {
    const auto p = join(path, key);
    auto ranges = get_ranges(v, s, p, !breaks);
    for (int d = 0; d < 7; ++d)
      if (key == "all" || key == day_keys[d])
        out[d].insert(out[d].end(), ranges.begin(), ranges.end());
  };
  // Two literal lists: an initializer_list must not outlive its full-expression.
  if (breaks)
    each_entry(n, s, path, {"all", "sun", "mon", "tue", "wed", "thu", "fri", "sat"}, {}, read_day);
  else
    each_entry(n, s, path, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}, {}, read_day);
  for (auto& day : out)
    std::sort(day.begin(), day.end(), [](auto a, auto b) { return a.begin < b.begin; });
}

// A break on a weekday must fall in that day's working hours, or it is a typo.
void check_breaks(const YAML::Node& n, const sink& s, const std::string& path,
                  const domain::tutor_rules& t) {
  if (!n.IsMap()) return;
  for (int d = 0; d < 7; ++d) {
    const auto v = n[std::string(day_keys[d])];
    if (!v || !v.IsSequence()) continue;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].IsScalar()) continue;
      std::vector<problem> ignored;  // bad ranges were reported when the breaks were read
      const sink collect{s.file, &ignored};
      const auto r = get_range(v[i], collect, {});
      if (!r) continue;
      const auto& hours = t.weekly[d];
      if (std::none_of(hours.begin(), hours.end(), [&](auto h) { return h.overlaps(*r); }))
        s.add(v[i], index(join(path, day_keys[d]), i),
              quote(domain::to_string(*r)) + " lies outside the working hours on " +
                  std::string(day_keys[d]));
    }
  }
}

void read_tutor(const YAML::Node& n, const sink& s, const std::string& path,
                const settings& defaults, domain::tutor_rules& t) {
  settings st = defaults;
  // Never assign a YAML::Node that holds a node: yaml-cpp would rewire the document.
  std::optional<YAML::Node> breaks_node;
  // The tutor's own keys plus every setting_keys entry, which a tutor may override.
  each_entry(n, s, path,
             {"id", "name", "email", "calendar_id", "hours", "breaks", "absences", "days_off",
              "overrides", "buffer_before_minutes", "buffer_after_minutes", "min_notice_hours",
              "horizon_weeks", "slot_step_minutes", "durations_minutes", "max_lessons_per_day"},
             {"id", "name", "hours"}, [&](const std::string& key, const YAML::Node& v) {
    const auto p = join(path, key);
    if (key == "id") {
      if (auto id = get_string(v, s, p)) {
        const bool url_safe =
            !id->empty() && std::all_of(id->begin(), id->end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            });
        if (url_safe) t.id = *id;
        else s.add(v, p, quote(*id) + " must be lower-case letters, digits, - or _ (it is used in URLs)");
      }
    } else if (key == "name") {
      if (auto x = get_string(v, s, p)) {
        if (x->empty()) s.add(v, p, "must not be empty");
        t.name = *x;
      }
    } else if (key == "email") {
      if (auto x = get_string(v, s, p)) {
        if (!x->empty() && x->find('@') == std::string::npos) s.add(v, p, quote(*x) + " is not an e-mail address");
        t.email = *x;
      }
    } else if (key == "calendar_id") {
      if (auto x = get_string(v, s, p)) t.calendar_id = *x;
    } else if (key == "hours") {
      read_weekly(v, s, p, t.weekly, false);
    } else if (key == "breaks") {
      breaks_node.emplace(v);
      read_weekly(v, s, p, t.breaks, true);
    } else if (key == "absences") {
      each_item(v, s, p, [&](std::size_t i, const YAML::Node& item) {
        const auto ip = index(p, i);
        domain::local_range a{};
        bool from = false, to = false;
        int to_line = 0;
        each_entry(item, s, ip, {"from", "to", "reason"}, {"from", "to"},
                   [&](const std::string& k, const YAML::Node& x) {
          const auto kp = join(ip, k);
          if (k == "reason") {
            if (auto r = get_string(x, s, kp)) a.reason = *r;
          } else if (auto lt = get_local_time(x, s, kp, k == "to")) {
            (k == "from" ? a.begin : a.end) = *lt;
            (k == "from" ? from : to) = true;
            if (k == "to") to_line = line_of(x);
          }
        });
        if (!from || !to) return;
        if (a.end <= a.begin) s.add(to_line, join(ip, "to"), "the absence ends before or when it starts");
        else t.absences.push_back(std::move(a));
      });
    } else if (key == "days_off") {
      t.days_off = get_date_ranges(v, s, p);
    } else if (key == "overrides") {
      each_item(v, s, p, [&](std::size_t i, const YAML::Node& item) {
        const auto ip = index(p, i);
        domain::date_override o{};
        bool has_date = false;
        int date_line = 0;
        each_entry(item, s, ip, {"date", "hours"}, {"date", "hours"},
                   [&](const std::string& k, const YAML::Node& x) {
          if (k == "date") {
            date_line = line_of(x);
            if (auto d = get_date(x, s, join(ip, k))) {
              o.date = *d;
              has_date = true;
            }
          } else {
            o.hours = get_ranges(x, s, join(ip, k), true);
          }
        });
        if (!has_date) return;
        const auto dup = std::find_if(t.overrides.begin(), t.overrides.end(),
                                      [&](const auto& e) { return e.date == o.date; });
        if (dup != t.overrides.end()) s.add(date_line, join(ip, "date"), show(o.date) + " is overridden twice");
        else t.overrides.push_back(std::move(o));
      });
      std::sort(t.overrides.begin(), t.overrides.end(),
                [](const auto& a, const auto& b) { return a.date < b.date; });
    } else {
      read_setting(key, v, s, p, st);
    }
  });
  if (breaks_node) check_breaks(*breaks_node, s, join(path, "breaks"), t);
  // Defaults are checked once by read_calendar; here only what this tutor changed.
  if (st.durations != defaults.durations || st.slot_step != defaults.slot_step) check_settings(st, s);
  t.buffer_before = st.buffer_before;
  t.buffer_after = st.buffer_after;
  t.min_notice = st.min_notice;
  t.slot_step = st.slot_step;
  t.horizon = st.horizon;
  t.durations_minutes = st.durations;
  t.max_lessons_per_day = st.max_lessons_per_day;
}

}  // namespace

void read_calendar(const YAML::Node& root, const sink& s, domain::calendar_rules& out) {
  settings defaults;
  std::optional<YAML::Node> tutors;
  each_entry(root, s, "", {"timezone", "defaults", "school_holidays", "tutors"},
             {"timezone", "tutors"}, [&](const std::string& key, const YAML::Node& v) {
    if (key == "timezone") {
      if (auto tz = get_string(v, s, key)) {
        try {
          (void)date::locate_zone(*tz);
          out.timezone = *tz;
        } catch (const std::exception&) {
          s.add(v, key, quote(*tz) + " is not a known time zone (IANA name such as Europe/Amsterdam)");
        }
      }
    } else if (key == "defaults") {
      each_entry(v, s, key, setting_keys, {}, [&](const std::string& k, const YAML::Node& x) {
        read_setting(k, x, s, join(key, k), defaults);
      });
      check_settings(defaults, s);
    } else if (key == "school_holidays") {
      out.school_holidays = get_date_ranges(v, s, key);
    } else {
      tutors.emplace(v);
    }
  });
  // Tutors after defaults, whatever the order in the file.
  if (!tutors) return;
  if (tutors->IsSequence() && tutors->size() == 0) s.add(*tutors, "tutors", "must list at least one tutor");
  std::set<std::string> ids;
  each_item(*tutors, s, "tutors", [&](std::size_t i, const YAML::Node& item) {
    domain::tutor_rules t;
    read_tutor(item, s, index("tutors", i), defaults, t);
    if (!t.id.empty() && !ids.insert(t.id).second) {
      s.add(item.IsMap() && item["id"] ? line_of(item["id"]) : line_of(item),
            index("tutors", i) + ".id", quote(t.id) + " is used by another tutor too");
      return;
    }
    out.tutors.push_back(std::move(t));
  });
}

}  // namespace tutorbot::config::detail
