#pragma once
// The values calendar_config.yaml is made of, each read from its node or reported to the sink
// with the node's line and key.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/sections.hpp"
#include "domain/calendar_rules.hpp"

namespace tutorbot::config::detail {

// The keys of a week's days, index weekday::c_encoding().
inline constexpr std::string_view day_keys[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// "21:00-08:00": two clock times, the second possibly earlier (a span past midnight).
std::optional<domain::minute_range> get_clock_span(const YAML::Node& n, const sink& s, const std::string& path);
// "09:00-12:30" (24:00 may end a range).
std::optional<domain::minute_range> get_range(const YAML::Node& n, const sink& s, const std::string& path);
// A list of ranges; overlaps are reported when `disjoint` (working hours must not overlap,
// or a lesson could be counted twice).
std::vector<domain::minute_range> get_ranges(const YAML::Node& n, const sink& s, const std::string& path,
                                             bool disjoint);
// "2026-11-12".
std::optional<std::chrono::year_month_day> get_date(const YAML::Node& n, const sink& s, const std::string& path);
// "2026-11-12 15:30", or a bare date: its start, or with end_of_day the next midnight.
std::optional<domain::local_minutes> get_local_time(const YAML::Node& n, const sink& s, const std::string& path,
                                                    bool end_of_day);
// A list whose items are a date, or {from, to, name} with both ends inclusive.
std::vector<domain::date_range> get_date_ranges(const YAML::Node& n, const sink& s, const std::string& path);
// "2026-11-12", for messages.
std::string show(std::chrono::year_month_day d);

}  // namespace tutorbot::config::detail
