// The values calendar_config.yaml is made of: times of day and their ranges, dates, local
// date-times and lists of dates, each read with the file, line and key of what is wrong.
#include "config/calendar_values.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>

namespace tutorbot::config::detail {

using namespace std::chrono;
using domain::minute_range;

namespace {

std::optional<int> parse_hhmm(std::string_view t) {
  if (t.size() != 5 || t[2] != ':') return std::nullopt;
  const auto h = parse_int(t.substr(0, 2));
  const auto m = parse_int(t.substr(3, 2));
  if (!h || !m || t[0] == '+' || t[3] == '+' || *m > 59 || *h > 24 || (*h == 24 && *m != 0))
    return std::nullopt;
  return static_cast<int>(*h * 60 + *m);
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

}  // namespace

std::optional<minute_range> get_clock_span(const YAML::Node& n, const sink& s, const std::string& path) {
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
  return minute_range{*b, *e};
}

std::optional<minute_range> get_range(const YAML::Node& n, const sink& s, const std::string& path) {
  auto span = get_clock_span(n, s, path);
  if (span && span->end <= span->begin) {
    s.add(n, path, quote(get_string(n, s, path).value_or("")) + ": the end is not after the start");
    return std::nullopt;
  }
  return span;
}

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

std::optional<year_month_day> get_date(const YAML::Node& n, const sink& s, const std::string& path) {
  const auto text = get_string(n, s, path);
  if (!text) return std::nullopt;
  auto d = parse_date(*text);
  if (!d) s.add(n, path, quote(*text) + " is not a date YYYY-MM-DD");
  return d;
}

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

}  // namespace tutorbot::config::detail
