#include "net/router.hpp"

#include <map>

namespace tutorbot::net {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    auto end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    segments.emplace_back(path.substr(pos, end - pos));
    pos = end;
  }
  return segments;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
             std::map<std::string, std::string>& params) {
  if (pattern.size() != path.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_param(pattern[i])) {
      found[pattern[i].substr(1, pattern[i].size() - 2)] = percent_decode(path[i]);
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

void router::add(std::string method, std::string pattern, handler_fn handler) {
  auto segments = split_path(pattern);
  entries_.push_back({std::move(method), std::move(pattern), std::move(segments), std::move(handler)});
}

router::outcome router::route(server_request& request) const {
  auto path = split_path(request.path);
  std::string allow;
  for (const auto& e : entries_) {
    std::map<std::string, std::string> params;
    if (!matches(e.segments, path, params)) continue;
    if (e.method == request.method || (request.method == "HEAD" && e.method == "GET")) {
      request.path_params = std::move(params);
      return matched{&e.handler, &e.pattern};
    }
    if (allow.find(e.method) == std::string::npos) {
      allow += allow.empty() ? e.method : ", " + e.method;
    }
  }
  if (!allow.empty()) return method_not_allowed{std::move(allow)};
  return not_found{};
}

}  // namespace tutorbot::net
