#pragma once
// UTC instants as RFC 3339 text ("2026-12-01T15:00:00Z"), the form every API and provider
// payload uses. Formatting is on the slot-query hot path, so it avoids iostreams.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tutorbot::domain {

// Years 0000-9999.
std::string rfc3339(std::chrono::sys_seconds instant);

// "2026-12-01", years 0000-9999.
std::string iso_date(std::chrono::year_month_day day);

// "2026-12-01" exactly (a calendar date that exists), else nullopt.
std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text);

// Accepts "…Z" and numeric offsets ("2026-12-01T16:00:00+01:00"), whole seconds only, for
// instants in the years 0000-9999 UTC.
std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text);

}  // namespace tutorbot::domain
