// The /metrics text: what Prometheus scrapes, with the names, labels and buckets we register.
#include <algorithm>
#include <string>

#include <boost/test/unit_test.hpp>

#include "obs/metrics.hpp"

using namespace tutorbot;

BOOST_AUTO_TEST_SUITE(metrics_text)

BOOST_AUTO_TEST_CASE(counters_and_gauges_render_with_their_help_labels_and_values) {
  obs::metrics m;
  auto& requests = m.counter("tutorbot_http_requests_total", "HTTP requests by route, method and status");
  requests.Add({{"route", "/healthz"}, {"method", "GET"}, {"status", "200"}}).Increment(3);
  m.gauge("tutorbot_http_open_connections", "Open HTTP connections").Add({}).Set(7);
  const auto text = m.render();
  BOOST_TEST(text.find("# HELP tutorbot_http_requests_total HTTP requests by route, method and status") !=
             std::string::npos);
  BOOST_TEST(text.find("# TYPE tutorbot_http_requests_total counter") != std::string::npos);
  BOOST_TEST(text.find("tutorbot_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 3") !=
                 std::string::npos,
             text);
  BOOST_TEST(text.find("tutorbot_http_open_connections 7") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(latencies_fall_into_buckets_from_half_a_millisecond_to_ten_seconds) {
  const auto& bounds = obs::metrics::latency_buckets();
  BOOST_TEST(bounds.front() == 0.0005);
  BOOST_TEST(bounds.back() == 10.0);
  BOOST_TEST(std::is_sorted(bounds.begin(), bounds.end()));
  obs::metrics m;
  auto& latency = m.histogram("tutorbot_http_request_duration_seconds", "HTTP request latency");
  auto& route = latency.Add({{"route", "/api/v1/holds"}}, bounds);
  route.Observe(0.003);
  route.Observe(0.2);
  const auto text = m.render();
  BOOST_TEST(text.find("tutorbot_http_request_duration_seconds_bucket{route=\"/api/v1/holds\",le=\"0.0025\"} 0") !=
                 std::string::npos,
             text);
  BOOST_TEST(text.find("tutorbot_http_request_duration_seconds_bucket{route=\"/api/v1/holds\",le=\"0.005\"} 1") !=
                 std::string::npos,
             text);
  BOOST_TEST(text.find("tutorbot_http_request_duration_seconds_bucket{route=\"/api/v1/holds\",le=\"+Inf\"} 2") !=
                 std::string::npos,
             text);
  BOOST_TEST(text.find("tutorbot_http_request_duration_seconds_count{route=\"/api/v1/holds\"} 2") != std::string::npos,
             text);
}

BOOST_AUTO_TEST_SUITE_END()
