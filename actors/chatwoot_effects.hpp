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

namespace tutorbot::net {
class chatwoot_client;
}

namespace tutorbot::actors {

// The handlers by outbox kind; the client must outlive the outbox workers.
std::map<std::string, outbox_handler> make_chatwoot_effects(net::chatwoot_client& chatwoot, std::chrono::seconds timeout);

}  // namespace tutorbot::actors
