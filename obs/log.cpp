#include "obs/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace tutorbot::obs {
namespace {

std::atomic<log_level> current_level{log_level::info};
std::mutex write_mutex;

std::string utc_timestamp() {
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now - seconds).count();
  std::time_t t = std::chrono::system_clock::to_time_t(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

}  // namespace

std::optional<log_level> parse_log_level(std::string_view text) {
  if (text == "debug") return log_level::debug;
  if (text == "info") return log_level::info;
  if (text == "warn") return log_level::warn;
  if (text == "error") return log_level::error;
  return std::nullopt;
}

std::string_view to_string(log_level level) {
  switch (level) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
  }
  return "info";
}

void set_log_level(log_level level) { current_level.store(level); }

bool log_enabled(log_level level) { return level >= current_level.load(); }

std::string format_log_line(log_level level, std::string_view event,
                            std::initializer_list<log_field> fields) {
  boost::json::object line;
  line["ts"] = utc_timestamp();
  line["level"] = to_string(level);
  line["event"] = event;
  for (const auto& field : fields) {
    std::visit([&](const auto& v) { line[field.key] = v; }, field.value);
  }
  return boost::json::serialize(line);
}

void log(log_level level, std::string_view event, std::initializer_list<log_field> fields) {
  if (!log_enabled(level)) return;
  auto text = format_log_line(level, event, fields);
  text.push_back('\n');
  std::lock_guard lock(write_mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace tutorbot::obs
