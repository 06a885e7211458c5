#pragma once
// Idempotency-Key for the mutating /api/ routes, with Stripe's semantics: a client that met
// a timeout or a 503 — which is not a no: the hold may have been placed — retries with the
// same key and gets the first reply again (header Idempotent-Replayed: true) instead of a
// second effect; the same key with another request is 422 idempotency_key_reused; while the
// first request with a key still runs, 409 idempotency_key_in_use. A reply of 5xx is not
// kept (its outcome is unknown), so the retry runs again; every such route is idempotent in
// itself. Requests without the header run as before.
#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "net/router.hpp"

namespace tutorbot::app {

net::handler_fn idempotent(caf::actor_system& system, caf::actor db_pool, net::handler_fn handler);

}  // namespace tutorbot::app
