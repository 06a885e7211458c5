#pragma once
// Chatwoot posts each webhook once and never again: a message whose webhook was lost (tutorbot
// down, a network blip, Chatwoot's 5 s timeout) would never be answered. The catch-up asks
// Chatwoot, for every conversation active in the last day, for the messages after the last
// one tutorbot has seen, and stores the students' ones as conversation events — deduplicated
// by message id with those the webhook delivered.
#include <chrono>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace tutorbot::net {
class chatwoot_client;
}

namespace tutorbot::actors {

struct catchup_settings {
  std::string database_url;
  net::chatwoot_client* chatwoot = nullptr;  // must outlive the catch-up
  caf::actor conversations;                  // the registry, nudged for conversations with news
  std::chrono::seconds interval{30};
  std::chrono::hours active_within{24};      // WhatsApp's reply window
};

caf::actor spawn_chatwoot_catchup(caf::actor_system& system, catchup_settings settings);

}  // namespace tutorbot::actors
