// The RFC 3339 parsers (ours for the API and the database, Google's answers): any text
// is an instant or nullopt, and an instant written back parses to itself.
#include "domain/instant.hpp"
#include "net/google_calendar_json.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace tutorbot;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  if (const auto t = domain::parse_rfc3339(text)) {
    const auto written = domain::rfc3339(*t);
    fuzz::check(domain::parse_rfc3339(written) == t, "domain: parse(rfc3339(t)) == t", written);
  }
  if (const auto t = net::google_json::parse_rfc3339(text)) {
    const auto written = net::google_json::rfc3339(*t);
    fuzz::check(net::google_json::parse_rfc3339(written) == t, "google: parse(rfc3339(t)) == t", written);
  }
  domain::parse_iso_date(text);
  return 0;
}
