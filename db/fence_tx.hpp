#pragma once
// Internal to db/: check a conversation's claim inside a repository's own transaction.
#include <optional>

#include <pqxx/pqxx>

#include "db/fence.hpp"

namespace tutorbot::db {

// Throws fenced_off unless the claim stands. It locks the conversation's row for share, so a
// takeover waits for this transaction to end: an effect either happened under the claim (and
// the next holder sees it) or not at all. Nothing to check without a fence (the API's calls).
void check_fence_in(pqxx::work& tx, const std::optional<conversation_fence>& fence);

}  // namespace tutorbot::db
