#pragma once
// What a Stripe event means for our orders, payments and bookings. Each event is applied by
// an idempotent transaction of db/payments, so applying it twice, or after a crash before it
// was marked processed, changes nothing; an event that refers to what we have not recorded
// yet (a refund before its payment) is deferred, so arrival order never matters.
#include <chrono>
#include <string>

#include "db/connection.hpp"

namespace tutorbot::net {
struct stripe_event;
}

namespace tutorbot::actors {

struct event_verdict {
  bool processed = true;  // false: try again later
  std::string outcome;    // for the log: what applying it did
};

event_verdict apply_stripe_event(const net::stripe_event& event, db::connection& conn, std::chrono::sys_seconds now);

}  // namespace tutorbot::actors
