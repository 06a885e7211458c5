#pragma once
// A local, protocol-faithful Google Calendar: the OAuth 2.0 token endpoint of a service
// account (JWT bearer grant, RS256 verified with the key file's public half) and the
// Calendar v3 routes tutorbot uses (freeBusy, events insert/get/patch/delete/list), with
// Google's JSON shapes and error bodies, so the same binary and Google's own clients talk
// to it with nothing changed but a base URL.
//
// Sandbox rules that Google leaves to its servers, chosen here and kept stable:
// - Any calendar id exists on first use, like a calendar shared with the service account;
//   remove_calendar() makes one unknown (404 notFound; a notFound entry in freeBusy).
// - All-day events (start.date) are busy from local midnight to local midnight in the
//   freeBusy request's timeZone, else Europe/Amsterdam (the school's calendars' zone).
// - Recurrence: one RRULE with FREQ=DAILY or WEEKLY, INTERVAL, COUNT or UNTIL (BYDAY only
//   naming the first occurrence's weekday), plus EXDATE lines. Anything else (MONTHLY, RDATE,
//   several BYDAY days) is refused with 400 invalid rather than silently misread.
// - An injected fault applies to authenticated Calendar calls; a bad token still gets 401.
// - Google's Node library signs `aud` with https://oauth2.googleapis.com/token whatever the
//   key file says; that audience is accepted besides the key file's token_uri, as at Google.
// - Attendees need a delegated token (JWT `sub`), as Google answers 403
//   forbiddenForServiceAccounts without domain-wide delegation.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/router.hpp"

namespace tutorbot::sandbox {

struct google_fault {
  int status = 0;
  std::string reason;  // e.g. rateLimitExceeded, userRateLimitExceeded, backendError
};

class google_calendar_sandbox {
 public:
  // Loads the service account's PUBLIC key from the key file (the JSON tutorbot uses):
  // tokens are only issued to JWTs it signed. Throws std::runtime_error naming the file
  // when it cannot be read or holds no usable key.
  explicit google_calendar_sandbox(const std::string& service_account_json_path);
  ~google_calendar_sandbox();
  google_calendar_sandbox(const google_calendar_sandbox&) = delete;
  google_calendar_sandbox& operator=(const google_calendar_sandbox&) = delete;

  // POST /token, /calendar/v3/..., and the knobs under /sandbox/google/...
  void add_routes(net::router& routes);

  // Thread-safe knobs and inspection (also reachable over HTTP).
  // The next `count` Calendar API calls (not /token) answer with this error.
  void fail_next(int count, google_fault fault);
  // Every answer (token and Calendar) waits this long, on a timer, never a blocked thread.
  void set_latency(std::chrono::milliseconds latency);
  // Answers every call still waiting out the latency now, and later ones without delay.
  // Call before the HTTP server that carries the answers stops: they hold its connections.
  void release_delayed_answers();
  // The next events.insert is applied at once but answered only after d.
  void delay_next_insert_response(std::chrono::milliseconds d);
  // Tokens issued so far become invalid: their next use gets 401.
  void expire_tokens();
  // Adds an event "by hand", as a tutor would in Google Calendar; returns its id.
  // Throws std::invalid_argument with Google's message when the event is not valid.
  std::string add_event(const std::string& calendar_id, const std::string& event_json);
  // Makes a calendar unknown, as if its sharing with the service account were revoked.
  void remove_calendar(const std::string& calendar_id);
  std::vector<std::string> event_ids(const std::string& calendar_id) const;  // not cancelled
  std::optional<std::string> event_json(const std::string& calendar_id,
                                        const std::string& event_id) const;
  // The sendUpdates of the event's last insert, patch or delete ("all": Google mailed its
  // attendees); nullopt for an unknown event.
  std::optional<std::string> send_updates(const std::string& calendar_id, const std::string& event_id) const;
  int token_requests() const;     // tokens issued
  int calendar_requests() const;  // Calendar API calls received, failed ones included

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace tutorbot::sandbox
