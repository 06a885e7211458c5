#pragma once
// The process's Prometheus registry. Every metric is named tutorbot_<room>_<what>_<unit>.
#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace tutorbot::obs {

class metrics {
 public:
  metrics();

  prometheus::Family<prometheus::Counter>& counter(const std::string& name, const std::string& help);
  prometheus::Family<prometheus::Gauge>& gauge(const std::string& name, const std::string& help);
  prometheus::Family<prometheus::Histogram>& histogram(const std::string& name,
                                                       const std::string& help);

  // Bucket bounds in seconds for request and query latencies: 0.5 ms to 10 s.
  static const prometheus::Histogram::BucketBoundaries& latency_buckets();

  // The text exposition format served at /metrics.
  std::string render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
};

}  // namespace tutorbot::obs
