#pragma once
// One JSON object per line on stderr: {"ts":…,"level":…,"event":…, fields…}.
// Callers never pass secrets or full payloads; the logger does not try to guess them.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tutorbot::obs {

enum class log_level { debug, info, warn, error };

std::optional<log_level> parse_log_level(std::string_view text);
std::string_view to_string(log_level level);

void set_log_level(log_level level);
bool log_enabled(log_level level);

using log_value = std::variant<std::string, std::int64_t, double, bool>;

struct log_field {
  std::string_view key;
  log_value value;

  log_field(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  log_field(std::string_view k, std::string_view v) : key(k), value(std::string(v)) {}
  log_field(std::string_view k, const char* v) : key(k), value(std::string(v)) {}
  log_field(std::string_view k, std::int64_t v) : key(k), value(v) {}
  log_field(std::string_view k, int v) : key(k), value(std::int64_t{v}) {}
  log_field(std::string_view k, unsigned v) : key(k), value(std::int64_t{v}) {}
  log_field(std::string_view k, std::size_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  log_field(std::string_view k, double v) : key(k), value(v) {}
  log_field(std::string_view k, bool v) : key(k), value(v) {}
};

// Renders the line without writing it; log() uses it, tests check it.
std::string format_log_line(log_level level, std::string_view event,
                            std::initializer_list<log_field> fields);

void log(log_level level, std::string_view event, std::initializer_list<log_field> fields = {});

inline void log_info(std::string_view event, std::initializer_list<log_field> fields = {}) {
  log(log_level::info, event, fields);
}
inline void log_warn(std::string_view event, std::initializer_list<log_field> fields = {}) {
  log(log_level::warn, event, fields);
}
inline void log_error(std::string_view event, std::initializer_list<log_field> fields = {}) {
  log(log_level::error, event, fields);
}
inline void log_debug(std::string_view event, std::initializer_list<log_field> fields = {}) {
  log(log_level::debug, event, fields);
}

}  // namespace tutorbot::obs
