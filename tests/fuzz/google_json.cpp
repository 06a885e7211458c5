// Google Calendar's answers: events, free/busy and error bodies map to values or nullopt,
// whatever bytes arrive, and a status with any body classifies.
#include "net/google_calendar_json.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace tutorbot;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = fuzz::as_text(data, size);
  if (const auto event = net::google_json::parse_event(body))
    fuzz::check(!event->id.empty(), "a parsed event has an id", body);
  net::google_json::parse_free_busy(body);
  for (int status : {400, 403, 404, 409, 410, 429, 500, 503}) net::google_json::classify(status, body);
  return 0;
}
