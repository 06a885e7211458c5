#pragma once
// POST /webhooks/chatwoot?token=…: Chatwoot's agent-bot and account webhooks. The token (and,
// when configured, the signature) is checked first; a student's message or a status change
// by staff is stored as a conversation event and acknowledged at once — Chatwoot waits 5 s,
// never retries, and then hands the conversation to humans.
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "net/router.hpp"

namespace tutorbot::app {

struct chatwoot_routes_context {
  caf::actor_system& system;
  caf::actor db_pool;
  caf::actor conversations;  // the conversation registry
  std::string webhook_token;
  std::string signing_secret;  // empty: signatures are not required
  long long account_id = 0;    // events of other accounts are refused
};

void add_chatwoot_routes(net::router& routes, const chatwoot_routes_context& context);

}  // namespace tutorbot::app
