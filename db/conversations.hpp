#pragma once
// Conversations: the dialogue state per Chatwoot conversation (versioned), the events that
// drive it (stored once by dedupe key, processed in order), and what the dialogue needs to
// know about the student. Saving a step writes the new state, the outbox work the step
// causes and the event's processed mark in one transaction: a crash repeats a step whole or
// not at all, and no message is written twice.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "db/connection.hpp"
#include "db/fence.hpp"
#include "domain/booking.hpp"

namespace tutorbot::db {

// The kinds of conversation events, as stored.
namespace conversation_event_kind {
inline constexpr const char* message = "message";  // a student's own message (Chatwoot)
inline constexpr const char* status = "status";    // staff resolved the conversation or handed it back
inline constexpr const char* payment = "payment";  // what became of an order the conversation asked for
// WhatsApp refused a message the bot sent (Chatwoot's message_updated with external_error)
inline constexpr const char* delivery_failed = "delivery_failed";
}  // namespace conversation_event_kind

// What the payment side tells a conversation about its order (the "event" field of a
// payment event's payload).
enum class payment_news { payment_succeeded, payment_failed, payment_expired, refund_done, booking_cancelled, booking_confirmed };
std::string_view to_string(payment_news news);
std::optional<payment_news> parse_payment_news(std::string_view text);

struct conversation_event {
  long long id = 0;
  long long conversation_id = 0;
  std::string kind;     // a conversation_event_kind
  std::string payload;  // JSON
  int attempts = 0;     // failed attempts before this one
};

// True when new; false when the dedupe key was seen before.
bool store_conversation_event(connection& conn, long long conversation_id, long long account_id,
                              const std::string& dedupe_key, const std::string& kind, const std::string& payload);

// Conversations with unprocessed events that are due, oldest event first.
std::vector<long long> conversations_with_pending_events(connection& conn, int limit);

// The oldest due event of a conversation, with the claim that lets this instance work on it
// (exactly one instance at a time). The claim lasts `lease` on the database's clock; its
// holder renews it while working and releases it when done. A claim whose lease ran out may
// be taken over, which raises its generation and fences the former holder off.
struct claimed_event {
  conversation_event event;
  conversation_fence fence;
};
struct nothing_due {};             // no event is due
struct claimed_elsewhere {};       // another instance works on the conversation now
using claim_result = std::variant<claimed_event, nothing_due, claimed_elsewhere>;
claim_result claim_next_event(connection& conn, long long conversation_id, const std::string& holder,
                              std::chrono::seconds lease);
// False when the claim was lost (taken over).
bool renew_claim(connection& conn, const conversation_fence& fence, std::chrono::seconds lease);
void release_claim(connection& conn, const conversation_fence& fence);

struct conversation_row {
  long long id = 0;
  long long account_id = 0;
  std::string state_json;  // "{}" for a new conversation
  long long version = 0;
  std::optional<std::string> student_id;
  std::optional<long long> contact_id;
  std::optional<std::chrono::sys_seconds> last_incoming_at;
  bool handed_off = false;
};
// The conversation, created (with its student, by Chatwoot contact) on first use.
conversation_row load_conversation(connection& conn, long long conversation_id, long long account_id,
                                   std::optional<long long> contact_id);

struct student_facts {
  bool trial_used = false;
  int credits = 0;
  std::vector<domain::booking> upcoming;  // confirmed, not yet started, by start
  std::vector<std::pair<std::string, long long>> paid;  // booking id → cents paid through Stripe
  std::vector<std::string> series;  // each upcoming lesson's series id; "" for a lesson booked alone
};
student_facts facts_of(connection& conn, const std::string& student_id, const std::string& student_ref,
                       std::chrono::sys_seconds now);

// A conversation's outbox work runs in two ordered lanes. What the student sees goes out
// strictly in the order it was said; side calls (labels, contact attributes, status, private
// notes for staff) keep their own order, so that one Chatwoot refuses or delays — a bot token
// may not set labels — never holds a message back.
enum class outbox_lane { student_sees, side_call };
struct outbox_work {
  std::string kind;
  std::string payload;  // JSON
  outbox_lane lane = outbox_lane::student_sees;
};
// What the intake learned about the student: kept on the conversation's student, for the
// invites and e-mails that go out later.
struct student_details {
  std::string name, email, level, subject;
  std::string locale;  // "nl" or "en": the language the conversation is held in
  std::string writer = {};  // "student" or "parent"; empty: not known, keep what is stored
  std::string own_email = {};  // the student's own address when a parent writes (email is then the parent's)
};
struct step_save {
  conversation_fence fence;  // the claim the step ran under
  long long expected_version = 0;
  std::string state_json;
  long long event_id = 0;  // the conversation event this step processed
  bool incoming = false;   // a student's message: WhatsApp's 24-hour window starts again
  std::optional<long long> message_id;  // its Chatwoot id: the catch-up lists only newer ones
  bool handed_off = false;
  std::vector<outbox_work> work;  // in order; run in that order within each lane
  // The event failed too often: the step told the student and handed over; the event is
  // parked with this error instead of marked processed.
  std::optional<std::string> parked_because;
  std::optional<student_details> student = std::nullopt;  // the step completed the intake
};
// False when another step saved first (version moved on) or the claim was lost; nothing is
// written then.
bool save_step(connection& conn, const step_save& save);

struct active_conversation {
  long long id = 0;
  long long account_id = 0;
  std::optional<long long> last_message_id;
};
// Conversations a student wrote in since `since`, not handed to staff.
std::vector<active_conversation> active_conversations(connection& conn, std::chrono::sys_seconds since);

// Those of `ids` that tutorbot has no conversation and no stored event for.
std::vector<long long> unknown_conversations(connection& conn, const std::vector<long long>& ids);

// The student a conversation belongs to (by its Chatwoot contact), if known.
std::optional<std::string> student_of_conversation(connection& conn, long long conversation_id);

// When the student last wrote (WhatsApp's 24-hour window for free text counts from it).
std::optional<std::chrono::sys_seconds> last_incoming_at(connection& conn, long long conversation_id);

// An event that could not be processed now (a provider down, a bug) is tried again after
// `retry_in`, with its error kept; nothing changes when the claim was lost.
void defer_conversation_event(connection& conn, const conversation_fence& fence, long long event_id,
                              const std::string& error, std::chrono::seconds retry_in);

// An event that failed again and again is parked: kept with its error for staff, never
// processed, so the events behind it flow past. Saved with the step that tells the student
// (see step_save: parked instead of processed).
struct parked_conversation_event {
  long long conversation_id = 0, event_id = 0;
  std::string kind;
  int attempts = 0;
  std::string last_error;
  std::chrono::sys_seconds parked_at;
};
std::vector<parked_conversation_event> parked_conversation_events(connection& conn);

}  // namespace tutorbot::db
