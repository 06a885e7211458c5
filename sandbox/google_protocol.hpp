#pragma once
// Google's wire conventions shared by the sandbox's token and Calendar routes: RFC 3339
// times as Calendar v3 writes them, and the JSON error bodies of both APIs.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/object.hpp>

#include "net/http_message.hpp"

namespace date {
class time_zone;
}

namespace tutorbot::sandbox::google {

// "2026-03-10T16:00:00+01:00", "…Z", with or without fractional seconds (dropped). A
// time without an offset is refused: Calendar requires one unless a timeZone is given.
std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text);
// "2026-03-10T16:00:00" (no offset) as a local wall-clock time.
std::optional<std::chrono::seconds> parse_local_datetime(std::string_view text);
// "2026-03-10" as days since the epoch.
std::optional<std::chrono::sys_days> parse_date(std::string_view text);

// "2026-03-10T15:00:00.000Z": how Google stamps created / updated / timeMin.
std::string format_utc_millis(std::chrono::sys_seconds t);
// "2026-03-10T15:00:00Z", or "2026-03-10T16:00:00+01:00" when a zone is given.
std::string format_rfc3339(std::chrono::sys_seconds t, const date::time_zone* zone = nullptr);

// The zone named by an IANA id, or nullptr when the tz database does not know it.
const date::time_zone* find_zone(std::string_view name);
const date::time_zone* default_zone();  // Europe/Amsterdam

// A Calendar v3 error: {"error":{"errors":[{domain,reason,message[,locationType,location]}],
// "code","message"}}, exactly as the Calendar API guide shows them.
struct api_error {
  api_error(int status_, std::string reason_, std::string message_, std::string domain_ = "global",
            std::string location_type_ = {}, std::string location_ = {})
      : status(status_), reason(std::move(reason_)), message(std::move(message_)), domain(std::move(domain_)),
        location_type(std::move(location_type_)), location(std::move(location_)) {}

  int status;
  std::string reason;
  std::string message;
  std::string domain;
  std::string location_type;  // "parameter", "header"
  std::string location;
};
net::server_response error_response(const api_error& error);
// The Calendar error for an injected fault (message and domain as Google sends them).
api_error fault_error(int status, const std::string& reason);

// An OAuth 2.0 token endpoint error (RFC 6749 §5.2, as Google sends it):
// {"error":"invalid_grant","error_description":"Invalid JWT Signature."}
net::server_response token_error(int status, std::string_view error, std::string_view description);

net::server_response json_response(int status, const boost::json::object& body);

}  // namespace tutorbot::sandbox::google
