#pragma once
// Inside one conversation's actor (actors/conversation.cpp): its state, and the moves of a
// step that the effect runners (actors/conversation_effects.cpp) share with it. Not for
// other files: the actor's interface is actors/conversation.hpp.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/conversation.hpp"
#include "actors/conversation_codec.hpp"
#include "db/conversations.hpp"
#include "db/outbox.hpp"
#include "domain/dialogue.hpp"

namespace tutorbot::actors::conversation_step {

constexpr auto ask_timeout = std::chrono::seconds(15);

// Where the conversation is with the oldest of its pending events. One event at a time: a
// nudge that arrives meanwhile changes nothing, since every step that ends well looks for
// the next event anyway.
enum class step_phase {
  idle,      // nothing in hand
  fetching,  // asking for the oldest pending event
  loading,   // reading the conversation and what is known of the student
  stepping,  // the event and the world's answers go through the dialogue
  saving,    // the new state, its outbox work and the processed mark are being written
};

struct conversation_state {
  conversation_settings settings;
  long long id = 0;
  step_phase phase = step_phase::idle;
  // Counts steps: an answer requested by an earlier step (one that failed before all its
  // answers came) is recognised and dropped.
  std::uint64_t step = 0;
  db::conversation_fence fence;                // the claim the step in hand runs under
  std::optional<std::string> parking_because;  // the step in hand parks its event
  std::optional<db::conversation_row> row;
  domain::dialogue_state dialogue;
  domain::dialogue_context context;
  // The stored event being processed, and what processing it has produced so far.
  std::optional<db::conversation_event> current;
  decoded_event decoded;
  std::deque<domain::dialogue_event> events;
  int answers_pending = 0;  // effects that asked the world and have not been answered
  std::vector<db::outbox_work> work;
  std::optional<db::student_details> student;  // what the step's intake learned, saved with it
  std::optional<long long> contact_id;
  std::chrono::steady_clock::time_point last_active = std::chrono::steady_clock::now();
  static inline const char* name = "conversation";
};

using conversation_actor = caf::stateful_actor<conversation_state>;

std::string student_ref(long long conversation);

// Whether an answer requested under step `serial` still belongs to the step in hand.
bool current(const conversation_actor* self, std::uint64_t serial, step_phase phase = step_phase::stepping);
// An effect's answer: stepped through the dialogue once every pending answer is in.
void answer(conversation_actor* self, std::uint64_t serial, domain::dialogue_event event);
// An effect that could not be answered fails the step in hand (tried again later).
void failed_answer(conversation_actor* self, std::uint64_t serial, const caf::error& e);
// Steps the queued events; saves once nothing is queued or awaited (conversation.cpp).
void drain(conversation_actor* self);

// Starts an effect that asks the world; its answer comes back through answer()
// (conversation_effects.cpp).
void run_effect(conversation_actor* self, const domain::effect& effect);

}  // namespace tutorbot::actors::conversation_step
