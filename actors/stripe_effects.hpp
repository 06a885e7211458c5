#pragma once
// The outbox handlers that call Stripe: stripe.refund (a refund under an idempotency key
// derived from the outbox row, so a repeated attempt never refunds twice) and
// stripe.expire_session (ends a session whose hold is gone).
#include <chrono>

#include "actors/outbox_dispatcher.hpp"

namespace tutorbot::net {
class stripe_client;
}

namespace tutorbot::actors {

outbox_handler make_stripe_refund(net::stripe_client& stripe);
outbox_handler make_session_expiry(net::stripe_client& stripe);

}  // namespace tutorbot::actors
