// What http_load measured, and the one summary line it prints.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace tutorbot::bench {

struct load_stats {
  std::vector<std::int64_t> latencies_ns;  // one per response received, any status
  std::map<int, std::uint64_t> statuses;   // status -> count
  std::uint64_t unexpected = 0;            // responses neither 2xx nor declared with --expect
  std::uint64_t failed_requests = 0;       // taken but never answered (connect/write/read failed)
  std::uint64_t connection_errors = 0;

  void record(int status, std::int64_t latency_ns, const std::set<int>& expected) {
    latencies_ns.push_back(latency_ns);
    ++statuses[status];
    if ((status < 200 || status > 299) && !expected.contains(status)) ++unexpected;
  }
};

// Nearest-rank percentile: the smallest value with at least q of the samples at or below it.
inline double percentile_ms(const std::vector<std::int64_t>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]) / 1e6;
}

inline std::string summary_line(const std::string& label, load_stats& s, double seconds) {
  std::sort(s.latencies_ns.begin(), s.latencies_ns.end());
  const auto n = s.latencies_ns.size();
  std::string statuses;
  for (const auto& [status, count] : s.statuses) {
    if (!statuses.empty()) statuses += ',';
    statuses += std::to_string(status) + ':' + std::to_string(count);
  }
  if (statuses.empty()) statuses = "none";
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s: requests=%zu duration=%.2fs rps=%.0f p50=%.3fms p99=%.3fms max=%.3fms "
                "errors=%llu conn_errors=%llu failed=%llu statuses=%s",
                label.c_str(), n, seconds, seconds > 0 ? static_cast<double>(n) / seconds : 0.0,
                percentile_ms(s.latencies_ns, 0.50), percentile_ms(s.latencies_ns, 0.99),
                percentile_ms(s.latencies_ns, 1.0), static_cast<unsigned long long>(s.unexpected),
                static_cast<unsigned long long>(s.connection_errors),
                static_cast<unsigned long long>(s.failed_requests), statuses.c_str());
  return buf;
}

}  // namespace tutorbot::bench
