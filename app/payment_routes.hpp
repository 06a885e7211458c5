#pragma once
// Payments: the Stripe webhook (signature checked on the raw body, stored durably before the
// 200) and the /api/v1 routes that open Checkout Sessions, confirm trials and credit
// bookings, and show orders and credit.
#include <chrono>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/payment_supervisor.hpp"
#include "net/router.hpp"

namespace tutorbot::app {

struct payment_routes_context {
  caf::actor_system& system;
  caf::actor db_pool;
  actors::payment_supervisor_actor payments;  // null when Stripe is not enabled
  std::chrono::milliseconds checkout_timeout{0};  // with `payments`: checkout_ask_timeout(…)
  caf::actor outbox;
  std::vector<std::string> webhook_secrets;  // STRIPE_WEBHOOK_SECRET, several while rotating
  bool live_mode = false;                    // STRIPE_SECRET_KEY is a live key: only live events count
  std::string api_token;
};

void add_payment_routes(net::router& routes, const payment_routes_context& context);

}  // namespace tutorbot::app
