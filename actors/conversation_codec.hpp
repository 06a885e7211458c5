#pragma once
// The conversation's data at its two edges, without any I/O: what a stored conversation
// event means for the dialogue, how Chatwoot's deliveries are stored as events, and the
// outbox work that the dialogue's outward effects become.
#include <optional>
#include <string>
#include <vector>

#include "db/conversations.hpp"
#include "domain/dialogue.hpp"
#include "net/chatwoot_json.hpp"

namespace tutorbot::actors {

// The payload stored for a student's message (kind message): its id, its text (a photo's
// caption), the type of its attachment, and the contact who wrote it.
std::string student_message_payload(const net::chatwoot_message& message, long long account_id);
// The payload stored when WhatsApp refused a message of the bot (kind delivery_failed): its
// id, its text as a template would carry it (options numbered), Meta's error and whether it
// was a template already.
std::string refused_message_payload(const net::chatwoot_message& message, long long account_id);
// The payload stored when staff resolve a conversation or hand it back (kind status).
std::string status_payload(net::chatwoot_status status, long long account_id);

// What a stored event means to the dialogue and what it tells about the student.
struct decoded_event {
  std::optional<domain::dialogue_event> event;  // none: the event means nothing to the dialogue
  bool incoming = false;                        // a student's message
  std::optional<long long> message_id;
  domain::contact_info contact;                 // from the message's sender
  std::optional<long long> contact_id;
  long long account_id = 0;
};
decoded_event decode(const db::conversation_event& stored);

// The intake's answers as the student's row keeps them.
db::student_details student_details_of(const domain::set_contact_attributes& learned, domain::language lang);

// Whether an effect goes out to Chatwoot (as outbox work) rather than asking the world.
bool is_outward(const domain::effect& effect);

// The outbox work of an outward effect, appended in the order the dialogue said it. Contact
// attributes need the conversation's contact: without one they are dropped.
void append_outbox_work(std::vector<db::outbox_work>& work, long long conversation,
                        const std::optional<long long>& contact, const domain::effect& effect);

}  // namespace tutorbot::actors
