#pragma once
// One actor per Chatwoot conversation, spawned by the conversation registry when the
// conversation has events, passivated after being idle. It processes the conversation's
// stored events in order: each one is stepped through the domain dialogue; effects that ask
// the world (slots, holds, payment links, trial and credit bookings, cancellations) are run
// through the tutor registry, the payment supervisor and the database, and their answers
// stepped in turn; the new state, the messages, labels, notes and attributes to send (as
// outbox work, in order) and the event's processed mark are saved in one transaction.
#include <chrono>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/payment_supervisor.hpp"
#include "actors/tutor_registry.hpp"
#include "domain/calendar_rules.hpp"
#include "domain/catalog.hpp"

namespace date {
class time_zone;
}

namespace tutorbot::obs {
class metrics;
}

namespace tutorbot::actors {

struct conversation_settings {
  caf::actor db_pool;
  tutor_registry_actor tutors;
  payment_supervisor_actor payments;  // null without Stripe
  std::chrono::milliseconds checkout_timeout{0};  // with `payments`: checkout_ask_timeout(…)
  caf::actor outbox;    // nudged after every saved step
  const domain::calendar_rules* calendar = nullptr;
  const domain::payment_catalog* catalog = nullptr;
  const date::time_zone* zone = nullptr;
  bool invites_by_email = false;  // mail is on: each booking change e-mails the student its invite
  std::chrono::seconds idle_passivation{300};  // an idle conversation actor stops
  // The registry looks for unprocessed events this often: payment outcomes written by the
  // supervisor, and events stored by other instances, are picked up this way.
  std::chrono::milliseconds sweep_interval{500};
  // One instance at a time works on a conversation: it claims it for a step (renewed while
  // the step runs, named by `instance` for diagnostics); a claim left by a crashed or frozen
  // instance is taken over once its lease has run out.
  std::string instance;
  std::chrono::seconds claim_lease{60};
  std::chrono::seconds renew_every{15};
  // A step that failed this often (2, 4, 8, 16 s apart) tells the student, hands over to
  // staff and parks its event.
  int attempts_before_parking = 5;
  obs::metrics* metrics = nullptr;  // tutorbot_conversation_steps_total{outcome}
};

// Takes (news_atom, int64 conversation id): that conversation has new events. It spawns a
// conversation's actor on its first event and forgets it once it stopped (passivated).
caf::actor spawn_conversation_registry(caf::actor_system& system, conversation_settings settings);

// One conversation's actor (for the registry), linked to `parent`: it stops with it. Takes
// (nudge_atom): look for the conversation's pending events.
caf::actor spawn_linked_conversation(caf::event_based_actor* parent, long long id, const conversation_settings& settings);

}  // namespace tutorbot::actors
