#pragma once
// Idempotency keys of the mutating /api/ routes (schema 011): the first reply to a key is
// kept for 24 hours and replayed for the same request.
#include <chrono>
#include <string>
#include <variant>

#include "db/connection.hpp"

namespace tutorbot::db {

struct idempotent_reply {
  int status = 0;
  std::string content_type, body;
};
struct first_use {};           // run the request, then record its reply
struct key_in_use {};          // the first request with the key still runs
struct key_reused_differently {};  // the key came before with another request
using idempotency_claim = std::variant<first_use, idempotent_reply, key_in_use, key_reused_differently>;

// A key whose first request has run longer than `in_flight_limit` without a reply (its
// process died) is given to the next request with it.
idempotency_claim claim_idempotency_key(connection& conn, const std::string& key, const std::string& fingerprint,
                                        std::chrono::seconds in_flight_limit);
void record_idempotent_reply(connection& conn, const std::string& key, const idempotent_reply& reply);
// The reply was not final (a 5xx): the next request with the key runs again.
void forget_idempotency_key(connection& conn, const std::string& key);

}  // namespace tutorbot::db
