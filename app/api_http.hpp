#pragma once
// What the /api/ route files share: the bearer token in front of every route, the
// Idempotency-Key in front of those that change something, and the answers all give alike.
#include <chrono>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include "app/api_requests.hpp"
#include "db/series.hpp"
#include "domain/booking.hpp"
#include "net/router.hpp"

namespace tutorbot::app {

// How long a route waits for the actor or database that answers it.
inline constexpr std::chrono::seconds actor_timeout{10};

// Refuses (401) requests without `Authorization: Bearer <token>`; an empty token refuses all.
net::handler_fn bearer_guarded(std::string token, net::handler_fn handler);
// Behind the bearer token; a retry with the same Idempotency-Key gets the first reply.
net::handler_fn guarded_idempotent(caf::actor_system& system, caf::actor db_pool, std::string token,
                                   net::handler_fn handler);

// 503 for an actor or database that did not answer.
net::server_response unavailable(const caf::error& error);
// The 4xx for a request that broke one of api_requests.hpp's rules.
net::server_response problem_response(const api_problem& problem);
// A booking, and a list of them, as the API shows them (JSON text).
std::string booking_json_text(const domain::booking& booking);
std::string bookings_json_text(const std::vector<domain::booking>& bookings);
// A series with its lessons and what its plan left out or moved (JSON text).
std::string series_json_text(const db::stored_series& series);

}  // namespace tutorbot::app
