#pragma once
// The payment supervisor: creates Checkout Sessions (idempotency key = order id), applies
// Stripe events from the inbox in any order, and reconciles what a crash or a lost webhook
// left behind: open orders past their hold are settled from the session Stripe has, and
// Stripe's recent events are listed and stored like webhooks, so none is ever missed.
// Its workers are detached actors with their own connections: they block on PostgreSQL and
// on Stripe calls (answered on Asio threads), never on CAF's scheduler.
#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/payment_messages.hpp"

#include "domain/catalog.hpp"

namespace date {
class time_zone;
}

namespace tutorbot::net {
class stripe_client;
}

namespace tutorbot::obs {
class metrics;
}

namespace tutorbot::actors {

struct payment_settings {
  std::string database_url;
  net::stripe_client* stripe = nullptr;  // must outlive the supervisor
  const domain::payment_catalog* catalog = nullptr;
  const date::time_zone* zone = nullptr;
  caf::actor outbox;                      // nudged after every change that enqueued work
  int checkout_workers = 2;
  std::chrono::milliseconds poll_interval{500};
  std::chrono::seconds reconcile_interval{60};
  // Events created this long ago or less are listed from Stripe by the reconciler.
  std::chrono::seconds event_lookback{std::chrono::hours{3}};
  std::chrono::seconds checkout_expiry_margin{120};  // as the Stripe client's expiry_margin
};

// Answers a checkout for a held lesson or a package with a checkout_answer; takes a nudge
// after a webhook was stored. An exit message stops it once every worker has finished what
// it was doing. Typed: the compiler checks every message sent to it and every answer awaited.
using payment_supervisor_actor =
    caf::typed_actor<caf::replies_to<checkout_atom, lesson_checkout_request>::with<checkout_answer>,
                     caf::replies_to<checkout_atom, package_checkout_request>::with<checkout_answer>,
                     caf::replies_to<checkout_atom, series_checkout_request>::with<checkout_answer>,
                     caf::reacts_to<nudge_atom>>;

payment_supervisor_actor spawn_payment_supervisor(caf::actor_system& system, payment_settings settings,
                                                  obs::metrics& metrics);

}  // namespace tutorbot::actors
