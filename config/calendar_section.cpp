// calendar_config.yaml: the school's time zone, holidays, and each tutor's hours.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <date/tz.h>
#include <set>

#include "config/calendar_values.hpp"
#include "config/sections.hpp"
#include "domain/recurrence.hpp"

namespace tutorbot::config::detail {
namespace {

using namespace std::chrono;
using domain::minute_range;

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

void read_durations(const YAML::Node& v, const sink& s, const std::string& p, settings& st) {
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
}

// The settings `defaults:` holds and each tutor may override: key → reader. The keys a
// mapping accepts are derived from here, so a key cannot be read without being known or
// known without being read.
template <class Target>
using reader = void (*)(const YAML::Node& value, const sink& s, const std::string& path, Target& target);

const std::pair<std::string_view, reader<settings>> setting_readers[] = {
    {"buffer_before_minutes",
     [](const YAML::Node& v, const sink& s, const std::string& p, settings& st) {
       if (auto n = get_int(v, s, p, 0, 240)) st.buffer_before = minutes{*n};
     }},
    {"buffer_after_minutes",
     [](const YAML::Node& v, const sink& s, const std::string& p, settings& st) {
       if (auto n = get_int(v, s, p, 0, 240)) st.buffer_after = minutes{*n};
     }},
    {"min_notice_hours",
     [](const YAML::Node& v, const sink& s, const std::string& p, settings& st) {
       if (auto n = get_int(v, s, p, 0, 24 * 30)) st.min_notice = hours{*n};
     }},
    {"horizon_weeks",
     [](const YAML::Node& v, const sink& s, const std::string& p, settings& st) {
       if (auto n = get_int(v, s, p, 1, 104)) st.horizon = weeks{*n};
     }},
    {"slot_step_minutes",
     [](const YAML::Node& v, const sink& s, const std::string& p, settings& st) {
       if (auto n = get_int(v, s, p, 1, 240)) {
         if (domain::minutes_per_day % *n == 0) st.slot_step = minutes{*n};
         else s.add(v, p, std::to_string(*n) + " does not divide a day: use 5, 10, 15, 20, 30 or 60");
       }
     }},
    {"durations_minutes", read_durations},
    {"max_lessons_per_day",
     [](const YAML::Node& v, const sink& s, const std::string& p, settings& st) {
       if (auto n = get_int(v, s, p, 0, 48)) st.max_lessons_per_day = static_cast<int>(*n);
     }},
};

template <class Target, std::size_t N>
reader<Target> reader_of(const std::pair<std::string_view, reader<Target>> (&readers)[N], std::string_view key) {
  for (const auto& [k, read] : readers)
    if (k == key) return read;
  return nullptr;
}

template <class... Tables>
std::vector<std::string_view> keys_of(const Tables&... tables) {
  std::vector<std::string_view> keys;
  (..., [&] {
    for (const auto& entry : tables) keys.push_back(entry.first);
  }());
  return keys;
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

// A tutor as its keys are read: the rules, the settings it overrides, and its breaks for
// the check against its hours once every key is in.
struct tutor_draft {
  domain::tutor_rules& rules;
  settings& st;
  std::optional<YAML::Node>& breaks;  // never assigned a node: yaml-cpp would rewire the document
};

void read_absences(const YAML::Node& v, const sink& s, const std::string& p, tutor_draft& d) {
  each_item(v, s, p, [&](std::size_t i, const YAML::Node& item) {
    const auto ip = index(p, i);
    domain::local_range a{};
    bool from = false, to = false;
    int to_line = 0;
    each_entry(item, s, ip, {"from", "to", "reason"}, {"from", "to"}, [&](const std::string& k, const YAML::Node& x) {
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
    else d.rules.absences.push_back(std::move(a));
  });
}

void read_overrides(const YAML::Node& v, const sink& s, const std::string& p, tutor_draft& d) {
  auto& overrides = d.rules.overrides;
  each_item(v, s, p, [&](std::size_t i, const YAML::Node& item) {
    const auto ip = index(p, i);
    domain::date_override o{};
    bool has_date = false;
    int date_line = 0;
    each_entry(item, s, ip, {"date", "hours"}, {"date", "hours"}, [&](const std::string& k, const YAML::Node& x) {
      if (k == "date") {
        date_line = line_of(x);
        if (auto date = get_date(x, s, join(ip, k))) {
          o.date = *date;
          has_date = true;
        }
      } else {
        o.hours = get_ranges(x, s, join(ip, k), true);
      }
    });
    if (!has_date) return;
    const auto dup = std::find_if(overrides.begin(), overrides.end(), [&](const auto& e) { return e.date == o.date; });
    if (dup != overrides.end()) s.add(date_line, join(ip, "date"), show(o.date) + " is overridden twice");
    else overrides.push_back(std::move(o));
  });
  std::sort(overrides.begin(), overrides.end(), [](const auto& a, const auto& b) { return a.date < b.date; });
}

// A tutor's own keys; every setting_readers key may follow them (the tutor's override).
const std::pair<std::string_view, reader<tutor_draft>> tutor_readers[] = {
    {"id",
     [](const YAML::Node& v, const sink& s, const std::string& p, tutor_draft& d) {
       if (auto id = get_string(v, s, p)) {
         const bool url_safe = !id->empty() && std::all_of(id->begin(), id->end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
         if (url_safe) d.rules.id = *id;
         else s.add(v, p, quote(*id) + " must be lower-case letters, digits, - or _ (it is used in URLs)");
       }
     }},
    {"name",
     [](const YAML::Node& v, const sink& s, const std::string& p, tutor_draft& d) {
       if (auto x = get_string(v, s, p)) {
         if (x->empty()) s.add(v, p, "must not be empty");
         d.rules.name = *x;
       }
     }},
    {"email",
     [](const YAML::Node& v, const sink& s, const std::string& p, tutor_draft& d) {
       if (auto x = get_string(v, s, p)) {
         if (!x->empty() && x->find('@') == std::string::npos) s.add(v, p, quote(*x) + " is not an e-mail address");
         d.rules.email = *x;
       }
     }},
    {"calendar_id",
     [](const YAML::Node& v, const sink& s, const std::string& p, tutor_draft& d) {
       if (auto x = get_string(v, s, p)) d.rules.calendar_id = *x;
     }},
    {"location",
     [](const YAML::Node& v, const sink& s, const std::string& p, tutor_draft& d) {
       if (auto x = get_string(v, s, p)) d.rules.location = *x;
     }},
    {"hours",
     [](const YAML::Node& v, const sink& s, const std::string& p, tutor_draft& d) {
       read_weekly(v, s, p, d.rules.weekly, false);
     }},
    {"breaks",
     [](const YAML::Node& v, const sink& s, const std::string& p, tutor_draft& d) {
       d.breaks.emplace(v);
       read_weekly(v, s, p, d.rules.breaks, true);
     }},
    {"absences", read_absences},
    {"days_off",
     [](const YAML::Node& v, const sink& s, const std::string& p, tutor_draft& d) {
       d.rules.days_off = get_date_ranges(v, s, p);
     }},
    {"overrides", read_overrides},
};

void read_tutor(const YAML::Node& n, const sink& s, const std::string& path, const settings& defaults,
                domain::tutor_rules& t) {
  static const auto known = keys_of(tutor_readers, setting_readers);
  settings st = defaults;
  std::optional<YAML::Node> breaks_node;
  tutor_draft draft{t, st, breaks_node};
  each_entry(n, s, path, known, {"id", "name", "hours"}, [&](const std::string& key, const YAML::Node& v) {
    const auto p = join(path, key);
    if (auto read = reader_of(tutor_readers, key)) read(v, s, p, draft);
    else reader_of(setting_readers, key)(v, s, p, st);  // each_entry passes only known keys
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

void read_series(const YAML::Node& n, const sink& s, domain::series_rules& out) {
  static constexpr std::string_view known[] = {"max_lessons", "horizon_weeks", "on_clash"};
  each_entry(n, s, "series", known, {}, [&](const std::string& key, const YAML::Node& v) {
    const auto p = join("series", key);
    if (key == "max_lessons") {
      if (auto x = get_int(v, s, p, 1, domain::max_series_occurrences)) out.max_lessons = static_cast<int>(*x);
    } else if (key == "horizon_weeks") {
      if (auto x = get_int(v, s, p, 1, 104)) out.horizon = weeks{*x};
    } else if (auto name = get_string(v, s, p)) {
      // reject is an API caller's choice; a student in the chat always gets a plan.
      auto policy = domain::parse_collision_policy(*name);
      if (!policy || *policy == domain::collision_policy::reject_series)
        s.add(v, p, quote(*name) + " is not a policy: use skip, move or extend");
      else
        out.on_clash = *policy;
    }
  });
}

}  // namespace

void read_calendar(const YAML::Node& root, const sink& s, domain::calendar_rules& out) {
  settings defaults;
  std::optional<YAML::Node> tutors;
  each_entry(root, s, "", {"timezone", "defaults", "school_holidays", "series", "tutors"},
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
      static const auto known = keys_of(setting_readers);
      each_entry(v, s, key, known, {}, [&](const std::string& k, const YAML::Node& x) {
        reader_of(setting_readers, k)(x, s, join(key, k), defaults);
      });
      check_settings(defaults, s);
    } else if (key == "school_holidays") {
      out.school_holidays = get_date_ranges(v, s, key);
    } else if (key == "series") {
      read_series(v, s, out.series);
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
