#pragma once
// Private to config/: the pieces load_config is made of. yaml-cpp is only forward
// declared here so that no header drags it into other rooms.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.hpp"

namespace YAML {
class Node;
}

namespace tutorbot::config::detail {

// Collects problems for one file.
struct sink {
  std::string file;
  std::vector<problem>* out;

  void add(int line, std::string key, std::string reason) const;
  void add(const YAML::Node& at, std::string key, std::string reason) const;
};

int line_of(const YAML::Node& n);  // 1-based, 0 when unknown
std::string quote(std::string_view s);
std::string join(const std::string& path, std::string_view key);
std::string index(const std::string& path, std::size_t i);

// Calls fn for each known key of a mapping and reports unknown or repeated keys and
// missing required ones. A null node counts as an empty mapping. False if not a mapping.
bool each_entry(const YAML::Node& map, const sink& s, const std::string& path,
                std::span<const std::string_view> known,
                std::initializer_list<std::string_view> required,
                const std::function<void(const std::string& key, const YAML::Node& value)>& fn);
inline bool each_entry(const YAML::Node& map, const sink& s, const std::string& path,
                       std::initializer_list<std::string_view> known,
                       std::initializer_list<std::string_view> required,
                       const std::function<void(const std::string& key, const YAML::Node& value)>& fn) {
  return each_entry(map, s, path, std::span<const std::string_view>(known.begin(), known.size()), required, fn);
}
// Calls fn for each item of a sequence; a null node counts as empty. False if not a list.
bool each_item(const YAML::Node& list, const sink& s, const std::string& path,
               const std::function<void(std::size_t i, const YAML::Node& item)>& fn);

std::optional<std::int64_t> get_int(const YAML::Node& n, const sink& s, const std::string& path,
                                    std::int64_t min, std::int64_t max);
std::optional<bool> get_bool(const YAML::Node& n, const sink& s, const std::string& path);
std::optional<std::string> get_string(const YAML::Node& n, const sink& s, const std::string& path);

// Plain text parsers, shared with the environment overrides.
std::optional<std::int64_t> parse_int(std::string_view text);
bool is_http_url(std::string_view text);
struct host_port {
  std::string host;
  unsigned short port;
};
std::optional<host_port> parse_listen(std::string_view text);
bool is_log_level(std::string_view text);

// Where in tutorbot.yaml things were said, for problems found after the environment
// has been read (a provider enabled without its secrets).
struct service_marks {
  int stripe = 0, google = 0, chatwoot = 0, mail = 0, database_url = 0;
  bool database_url_refused = false;  // already reported: it held a password
};

void read_service(const YAML::Node& root, const sink& s, service_settings& out,
                  service_marks& marks);
void apply_environment(const environment& env, std::vector<problem>& problems,
                       service_settings& out);
void check_service(const service_settings& svc, const service_marks& marks, const sink& s);

void read_calendar(const YAML::Node& root, const sink& s, domain::calendar_rules& out);

struct payment_marks {
  std::vector<int> duration_lines;        // per product kept, line of duration_minutes
  std::vector<std::size_t> file_index;    // per product kept, its index in the file
};
void read_payments(const YAML::Node& root, const sink& s, domain::payment_catalog& out,
                   payment_marks& marks);

}  // namespace tutorbot::config::detail
