#include "sandbox/rrule_expand.hpp"

#include <algorithm>
#include <string_view>

#include "sandbox/google_protocol.hpp"

namespace tutorbot::sandbox::google {
namespace {

constexpr int max_occurrences = 5000;  // a bound on any one expansion

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text = text.substr(at + 1);
  }
}

// "20270105T160000Z" (UTC), "20270105T160000" (wall time in `zone`), "20270105" (a date:
// `time_of_day` on it, or the end of that day for an UNTIL).
std::optional<std::chrono::sys_seconds> ical_time(std::string_view text, const date::time_zone* zone,
                                                  std::chrono::seconds time_of_day) {
  if (text.size() < 8) return std::nullopt;
  const std::string iso_date = std::string(text.substr(0, 4)) + "-" + std::string(text.substr(4, 2)) + "-" +
                               std::string(text.substr(6, 2));
  auto day = parse_date(iso_date);
  if (!day) return std::nullopt;
  if (text.size() == 8) return local_to_sys(date::local_seconds{day->time_since_epoch() + time_of_day}, zone);
  if ((text.size() != 15 && text.size() != 16) || text[8] != 'T') return std::nullopt;
  auto local = parse_local_datetime(iso_date + "T" + std::string(text.substr(9, 2)) + ":" +
                                    std::string(text.substr(11, 2)) + ":" + std::string(text.substr(13, 2)));
  if (!local) return std::nullopt;
  if (text.size() == 16) {
    if (text[15] != 'Z') return std::nullopt;
    return std::chrono::sys_seconds{*local};
  }
  return local_to_sys(date::local_seconds{*local}, zone);
}

std::string weekday_code(date::local_seconds t) {
  static constexpr std::string_view codes[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
  return std::string(codes[date::weekday{date::floor<date::days>(t)}.c_encoding()]);
}

}  // namespace

std::chrono::sys_seconds local_to_sys(date::local_seconds t, const date::time_zone* zone) {
  return std::chrono::sys_seconds{t.time_since_epoch() - zone->get_info(t).first.offset};
}

std::variant<recurrence, std::string> parse_recurrence(const boost::json::array& lines,
                                                       date::local_seconds first,
                                                       const date::time_zone* zone) {
  recurrence rule;
  bool have_rrule = false;
  const auto time_of_day = first - date::floor<date::days>(first);
  for (const auto& value : lines) {
    if (!value.is_string()) return std::string("Invalid recurrence rule.");
    const std::string_view line = value.as_string();
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return "Invalid recurrence rule: " + std::string(line);
    const auto head = split(line.substr(0, colon), ';');
    const std::string_view body = line.substr(colon + 1);
    if (head[0] == "RRULE") {
      if (have_rrule) return std::string("Only one RRULE per event is supported by the sandbox.");
      have_rrule = true;
      std::string freq;
      int interval = 1;
      for (auto part : split(body, ';')) {
        const auto eq = part.find('=');
        if (eq == std::string_view::npos) return "Invalid recurrence rule: " + std::string(line);
        const auto key = part.substr(0, eq);
        const std::string val(part.substr(eq + 1));
        try {
          if (key == "FREQ") freq = val;
          else if (key == "INTERVAL") interval = std::stoi(val);
          else if (key == "COUNT") rule.count = std::stoi(val);
          else if (key == "UNTIL") {
            rule.until = ical_time(val, zone, std::chrono::hours(24) - std::chrono::seconds(1));
            if (!rule.until) return "Invalid recurrence rule: " + std::string(line);
          } else if (key == "BYDAY") {
            if (val != weekday_code(first))
              return "The sandbox expands BYDAY only for the first occurrence's weekday: " + std::string(line);
          } else if (key != "WKST") {
            return "The sandbox does not expand " + std::string(key) + ": " + std::string(line);
          }
        } catch (const std::exception&) {
          return "Invalid recurrence rule: " + std::string(line);
        }
      }
      if (interval < 1 || (rule.count && *rule.count < 1) || (rule.count && rule.until))
        return "Invalid recurrence rule: " + std::string(line);
      if (freq == "WEEKLY") rule.step = std::chrono::days(7 * interval);
      else if (freq == "DAILY") rule.step = std::chrono::days(interval);
      else return "The sandbox expands FREQ=WEEKLY and FREQ=DAILY only: " + std::string(line);
    } else if (head[0] == "EXDATE") {
      const date::time_zone* exzone = zone;
      for (std::size_t i = 1; i < head.size(); ++i) {
        if (head[i].starts_with("TZID=")) {
          exzone = find_zone(head[i].substr(5));
          if (!exzone) return "Invalid time zone in " + std::string(line);
        }
      }
      for (auto item : split(body, ',')) {
        auto t = ical_time(item, exzone, time_of_day);
        if (!t) return "Invalid recurrence rule: " + std::string(line);
        rule.excluded.push_back(*t);
      }
    } else {
      return "The sandbox does not expand " + std::string(head[0]) + " lines: " + std::string(line);
    }
  }
  if (!have_rrule) return std::string("Invalid recurrence rule: an RRULE line is required.");
  std::sort(rule.excluded.begin(), rule.excluded.end());
  return rule;
}

std::vector<std::chrono::sys_seconds> expand(const recurrence& rule, date::local_seconds first,
                                             const date::time_zone* zone, std::chrono::seconds length,
                                             std::chrono::sys_seconds from, std::chrono::sys_seconds to) {
  std::vector<std::chrono::sys_seconds> starts;
  // Without a COUNT the occurrences before the window can be skipped outright.
  long k = 0;
  if (!rule.count) {
    const auto lead = from - length - local_to_sys(first, zone);
    if (lead > std::chrono::seconds(0))
      k = std::max(0L, static_cast<long>(lead / std::chrono::duration_cast<std::chrono::seconds>(rule.step)) - 1);
  }
  for (int produced = 0; produced < max_occurrences; ++k) {
    if (rule.count && k >= *rule.count) break;
    const auto start = local_to_sys(first + rule.step * k, zone);
    if (rule.until && start > *rule.until) break;
    if (start >= to) break;
    if (start + length > from && !std::binary_search(rule.excluded.begin(), rule.excluded.end(), start)) {
      starts.push_back(start);
      ++produced;
    }
  }
  return starts;
}

}  // namespace tutorbot::sandbox::google
