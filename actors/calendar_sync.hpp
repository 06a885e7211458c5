#pragma once
// The outbox handler of calendar.sync: makes the tutor's Google calendar agree with the
// booking as the database has it now. A confirmed booking gets exactly one event, under the
// id derived from the booking id (a retried insert meets 409 and finds its own event); a
// moved booking gets its event patched; a cancelled one gets it deleted. Reading the booking
// again after writing the event closes the race with a cancellation committed meanwhile.
#include <string>

#include "actors/outbox_dispatcher.hpp"
#include "domain/calendar_rules.hpp"
#include "domain/catalog.hpp"

namespace tutorbot::net {
class google_calendar_client;
}

namespace tutorbot::actors {

struct calendar_sync_settings {
  const domain::calendar_rules* calendar = nullptr;  // tutors' calendar ids, time zone
  const domain::payment_catalog* catalog = nullptr;  // product names for the event title
  std::string default_calendar_id;
  // "https://chat.example.nl/app/accounts/1/conversations/": a chat booking's event links its
  // conversation for the tutor; empty: no link.
  std::string conversation_link_base;
  bool send_invites = false;  // attendees and Google's e-mails; needs domain-wide delegation
  std::chrono::seconds call_timeout{40};  // longer than the client's own deadline per call
};

// The handler, bound to a client that must outlive every worker using it.
outbox_handler make_calendar_sync(net::google_calendar_client& google, calendar_sync_settings settings);

}  // namespace tutorbot::actors
