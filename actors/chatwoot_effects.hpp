#pragma once
// The outbox handlers that speak to Chatwoot for a conversation, run in the order the
// dialogue produced them (the outbox's ordering key): chatwoot.message (a reply, quick
// replies as input_select, or a private note), chatwoot.labels (read, merge, write: Chatwoot
// replaces the whole list), chatwoot.contact (contact attributes from the intake) and
// chatwoot.status (handoff: the conversation is opened for staff).
#include <chrono>
#include <map>
#include <string>


#include "actors/outbox_dispatcher.hpp"
#include "db/connection.hpp"
#include "domain/types.hpp"

namespace tutorbot::net {
class chatwoot_client;
struct chatwoot_outgoing_message;
}

namespace tutorbot::actors {

// WhatsApp accepts free text only within 24 hours of the student's last message; later ones
// go out as this approved template, the text as its body parameter {{1}}.
struct whatsapp_template_settings {
  std::string name = "tutorbot_update";
  std::string language = "nl";
  std::string category = "UTILITY";
};

// WhatsApp's 24-hour customer-service window by tutorbot's own record: open when the student
// wrote within the last day, closed when longer ago, unknown when nothing was heard yet.
enum class whatsapp_window { open, closed, unknown };
whatsapp_window whatsapp_window_of(db::connection& conn, domain::conversation_id conversation);

// Posts the outbox item's message once: Chatwoot takes no idempotency key, so a repeated
// attempt first looks whether an earlier one landed. Refusals no retry changes are given up.
outbox_outcome post_chatwoot_message(net::chatwoot_client& chatwoot, std::chrono::seconds timeout,
                                     const db::outbox_item& item, domain::conversation_id conversation,
                                     const net::chatwoot_outgoing_message& message);

// The handlers by outbox kind; the client must outlive the outbox workers.
std::map<std::string, outbox_handler> make_chatwoot_effects(net::chatwoot_client& chatwoot, std::chrono::seconds timeout,
                                                            whatsapp_template_settings outside_window = {});

}  // namespace tutorbot::actors
