#pragma once
// The outbox handler of reminder.whatsapp: reminds the student of a lesson in the chat it was
// booked from — as text inside WhatsApp's 24-hour window, as the school's approved reminder
// template (its body parameters in the configured order) outside it. Nothing is sent for a
// lesson moved, cancelled or begun since the reminder was planned. A delivered reminder labels
// the conversation `reminded`; one Chatwoot refuses leaves staff a private note.
#include <chrono>
#include <string>
#include <vector>

#include <date/tz.h>

#include "actors/outbox_dispatcher.hpp"
#include "domain/calendar_rules.hpp"
#include "domain/reminder_message.hpp"

namespace tutorbot::net {
class chatwoot_client;
}

namespace tutorbot::actors {

struct whatsapp_reminder_settings {
  const domain::calendar_rules* calendar = nullptr;  // required: the tutors' names
  const date::time_zone* zone = nullptr;
  std::string template_name;
  std::string template_language = "nl";
  std::vector<domain::reminder_field> template_fields;
  std::chrono::seconds timeout{40};
};

// The client must outlive the outbox workers.
outbox_handler make_whatsapp_reminder(net::chatwoot_client& chatwoot, whatsapp_reminder_settings settings);

}  // namespace tutorbot::actors
