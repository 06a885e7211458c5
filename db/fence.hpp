#pragma once
// A conversation step's claim on its conversation (conversations.hpp: claim_next_event).
// Exactly one instance works on a conversation at a time; the holds, checkouts, free
// confirmations and cancellations its step causes check, inside their own transaction, that
// the claim still stands. An instance that lost the conversation to another (paused past
// its lease) can then no longer act for it: its effects fail with fenced_off.
#include <optional>
#include <stdexcept>

namespace tutorbot::db {

struct conversation_fence {
  long long conversation_id = 0;
  long long generation = 0;  // of the claim; a takeover raises it
};

class fenced_off : public std::runtime_error {
 public:
  fenced_off() : std::runtime_error("another instance has taken this conversation over") {}
};

}  // namespace tutorbot::db
