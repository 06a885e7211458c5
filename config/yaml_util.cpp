#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "config/sections.hpp"

namespace tutorbot::config::detail {

void sink::add(int line, std::string key, std::string reason) const {
  out->push_back({file, line, std::move(key), std::move(reason)});
}

void sink::add(const YAML::Node& at, std::string key, std::string reason) const {
  add(line_of(at), std::move(key), std::move(reason));
}

int line_of(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  const auto mark = n.Mark();
  return mark.line < 0 ? 0 : mark.line + 1;  // yaml-cpp counts from 0
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  out += s;
  out += '"';
  return out;
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

namespace {
std::string kind_name(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "nothing";
  return quote(n.Scalar());
}
}  // namespace

bool each_entry(const YAML::Node& map, const sink& s, const std::string& path,
                std::span<const std::string_view> known,
                std::initializer_list<std::string_view> required,
                const std::function<void(const std::string&, const YAML::Node&)>& fn) {
  if (map.IsNull()) {
    for (auto r : required) s.add(map, join(path, r), "is required");
    return true;
  }
  if (!map.IsMap()) {
    s.add(map, path, "expected a mapping (key: value lines), found " + kind_name(map));
    return false;
  }
  std::map<std::string, int, std::less<>> seen;
  for (const auto& entry : map) {
    const YAML::Node& k = entry.first;
    const std::string key = k.IsScalar() ? k.Scalar() : std::string("?");
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string hint;
      for (auto candidate : known) hint += (hint.empty() ? "" : ", ") + std::string(candidate);
      s.add(k, join(path, key), "unknown key (known here: " + hint + ")");
      continue;
    }
    if (auto it = seen.find(key); it != seen.end()) {
      s.add(k, join(path, key), "repeated key (first on line " + std::to_string(it->second) + ")");
      continue;
    }
    seen.emplace(key, line_of(k));
    fn(key, entry.second);
  }
  for (auto r : required)
    if (!seen.contains(r)) s.add(map, join(path, r), "is required");
  return true;
}

bool each_item(const YAML::Node& list, const sink& s, const std::string& path,
               const std::function<void(std::size_t, const YAML::Node&)>& fn) {
  if (list.IsNull()) return true;
  if (!list.IsSequence()) {
    s.add(list, path, "expected a list, found " + kind_name(list));
    return false;
  }
  for (std::size_t i = 0; i < list.size(); ++i) fn(i, list[i]);
  return true;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t v = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc{} || ptr != last || first == last) return std::nullopt;
  return v;
}

std::optional<std::int64_t> get_int(const YAML::Node& n, const sink& s, const std::string& path,
                                    std::int64_t min, std::int64_t max) {
  const auto v = n.IsScalar() ? parse_int(n.Scalar()) : std::nullopt;
  if (!v) {
    s.add(n, path, "expected an integer, found " + kind_name(n));
    return std::nullopt;
  }
  if (*v < min || *v > max) {
    s.add(n, path,
          std::to_string(*v) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> get_bool(const YAML::Node& n, const sink& s, const std::string& path) {
  if (n.IsScalar()) {
    const auto& t = n.Scalar();
    if (t == "true" || t == "yes" || t == "on") return true;
    if (t == "false" || t == "no" || t == "off") return false;
  }
  s.add(n, path, "expected true or false, found " + kind_name(n));
  return std::nullopt;
}

std::optional<std::string> get_string(const YAML::Node& n, const sink& s,
                                      const std::string& path) {
  if (n.IsNull()) return std::string();
  if (n.IsScalar()) return n.Scalar();
  s.add(n, path, "expected a text value, found " + kind_name(n));
  return std::nullopt;
}

bool is_http_url(std::string_view text) {
  const auto rest = text.starts_with("https://") ? text.substr(8)
                    : text.starts_with("http://") ? text.substr(7)
                                                  : std::string_view{};
  return !rest.empty() && rest.front() != '/';
}

std::optional<host_port> parse_listen(std::string_view text) {
  std::string_view host, port;
  if (text.starts_with('[')) {  // [::1]:8080
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos)
      return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  const auto p = parse_int(port);
  if (host.empty() || !p || *p < 1 || *p > 65535 || port.front() == '+') return std::nullopt;
  if (host.find_first_of(" /\t") != std::string_view::npos) return std::nullopt;
  return host_port{std::string(host), static_cast<unsigned short>(*p)};
}

bool is_log_level(std::string_view text) {
  return text == "debug" || text == "info" || text == "warn" || text == "error";
}

}  // namespace tutorbot::config::detail
