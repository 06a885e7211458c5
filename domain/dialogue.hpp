#pragma once
// The conversation with one student, as a pure state machine:
//
//   step(state, event, context) -> {state, effects}
//
// The conversation actor (issue 7) owns a dialogue_state per Chatwoot conversation,
// persists it after every step (dialogue_state_json.cpp), builds a dialogue_context from
// what it knows (now, catalog, tutors, the contact, credits, upcoming bookings) and
// executes the effects in order. The machine never reads a clock or does I/O, and it
// decides every word the student sees (texts.hpp); the actor decides only *how* to send.
//
// Effects that ask the world for something (query_slots, place_hold, request_payment,
// use_credit, book_trial, cancel_booking, reschedule) are answered by feeding the matching
// event back into step: slots_found / no_slots, hold_placed / slot_taken,
// payment_link_ready, payment_succeeded / failed / expired, booking_confirmed,
// booking_cancelled and refund_done. A late or unexpected answer (a hold placed after
// the student went back to the menu) is handled: holds nobody waits for are released.

#include <array>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <date/tz.h>

#include "domain/availability.hpp"
#include "domain/catalog.hpp"
#include "domain/date_words.hpp"
#include "domain/language.hpp"
#include "domain/calendar_rules.hpp"
#include "domain/pricing.hpp"
#include "domain/recurrence.hpp"
#include "domain/types.hpp"

namespace tutorbot::domain {

// ---- context: what the actor knows at the moment of the step ------------------------------

struct tutor_info {
  tutor_id id;
  std::string name;                    // shown to students
  std::vector<int> durations_minutes;  // lesson lengths this tutor gives
};

struct contact_info {                  // the Chatwoot contact, for prefill
  std::optional<std::string> name, email, phone, locale;
  // custom attributes: student_name, writer (student|parent), level, subject, goals
  std::map<std::string, std::string> attributes;
};

struct upcoming_lesson {
  booking_id id;
  tutor_id tutor;
  std::chrono::sys_seconds start, end;
  std::string product_id;
  cents paid;                          // what the student paid for it; 0 for trial / credit
  bool paid_with_credit = false;
  std::string series;                  // the series it belongs to; empty for a lesson booked alone
};

struct dialogue_context {
  std::chrono::sys_seconds now;
  const date::time_zone* zone = nullptr;           // the school's zone; required
  const payment_catalog* catalog = nullptr;        // products, hold time, cancellation policy; required
  bool invites_by_email = false;                   // a booking's invite is e-mailed: say so, never otherwise
  std::vector<tutor_info> tutors;
  contact_info contact;
  bool trial_used = false;
  int credits = 0;                                 // package lessons left
  std::vector<upcoming_lesson> upcoming;           // confirmed, in the future, by start
  // Weekly and bi-weekly lessons: offered after a paid lesson's time is picked when the school
  // allows more than one (calendar_config.yaml series.max_lessons); its holidays end a series
  // "tot de zomervakantie", and its policy says what becomes of a date that cannot be kept.
  int series_max_lessons = 0;
  collision_policy series_on_clash = collision_policy::skip_date;
  std::vector<date_range> holidays;
};

// ---- state ----------------------------------------------------------------------------------

enum class dialogue_phase {
  idle,             // nothing going on; the next text greets
  menu,             // main menu shown
  intake_confirm,   // prefilled fields shown: "klopt dit?"
  intake_pick,      // "which field?"
  intake_ask,       // asking intake.asking
  choose_duration,
  choose_tutor,
  awaiting_slots,   // query_slots sent
  choose_slot,
  choose_rhythm,    // once, every week or every two weeks
  series_length,    // how many lessons, or until when
  awaiting_series,  // place_series sent
  series_plan,      // the held plan shown: pay for it, or change it
  awaiting_hold,    // place_hold sent
  choose_payment,   // credit or online
  awaiting_link,    // request_payment sent
  awaiting_payment, // link shown
  payment_failed,   // retry / other time / person
  payment_expired,  // new times / menu
  awaiting_confirmation,  // paid / credit used / trial booked: waiting for booking_confirmed
  prices,           // prices shown, packages offered
  package_paid,     // "schedule a lesson now?"
  my_lessons,       // list shown
  lesson_actions,   // reschedule / cancel / back
  series_actions,   // a series: one lesson of it / cancel the rest / back
  series_pick,      // which lesson of the series
  confirm_cancel_rest,
  confirm_cancel,
  awaiting_cancel,  // cancel_booking sent
  human_or_menu,    // a dead end: a person, or the menu
  handoff,          // a person has it; the bot is silent
};

enum class dialogue_flow { none, trial, lesson, package, reschedule };

// `email` is the writer's own address; `student_email` is asked only when a parent writes:
// the student's own address, or "" for none (the parent's address then stands alone).
enum class intake_field { student_name, writer, level, subject, goals, email, student_email };
inline constexpr std::size_t intake_field_count = 7;

struct intake_data {
  // Indexed by intake_field; empty optional = not known yet.
  std::array<std::optional<std::string>, intake_field_count> fields;
  bool done = false;   // confirmed in this conversation: not asked again
  friend bool operator==(const intake_data&, const intake_data&) = default;
};

struct offered_slot {
  tutor_id tutor;
  domain::slot slot;
  friend bool operator==(const offered_slot&, const offered_slot&) = default;
};

struct prompt {        // the last question, for re-prompting and matching replies
  std::string text;
  std::vector<std::string> options;
  friend bool operator==(const prompt&, const prompt&) = default;
};

struct dialogue_state {
  dialogue_phase phase = dialogue_phase::idle;
  dialogue_flow flow = dialogue_flow::none;
  language lang = language::nl;
  bool language_chosen = false;        // typed "english"/"nederlands": overrides the locale
  int misses = 0;                      // unknown inputs in a row
  domain::prompt last_prompt;

  intake_data intake;
  std::optional<intake_field> asking;  // intake_ask: the field asked

  // booking draft
  int duration_minutes = 0;
  std::string product_id;              // lesson, trial or package product
  std::optional<tutor_id> tutor;       // nullopt = any tutor
  std::optional<date_filter> filter;   // typed day / date
  std::size_t offset = 0;              // paging through suggestions ("meer")
  std::vector<offered_slot> offered;   // the suggestions shown, in order
  std::optional<offered_slot> chosen;
  std::optional<booking_id> hold;      // placed and not yet confirmed or released
  std::optional<std::chrono::sys_seconds> hold_expires_at;
  bool pay_with_credit = false;
  std::optional<std::string> payment_url;
  int interval_weeks = 0;              // a series: 1 weekly, 2 bi-weekly; 0 a single lesson
  std::optional<std::string> series;   // the series held, awaiting payment
  std::vector<std::chrono::sys_seconds> series_starts;  // its lessons' starts, in order

  // my lessons
  std::optional<booking_id> selected;  // the lesson being cancelled or rescheduled
  std::optional<std::string> selected_series;  // the series whose rest is being cancelled
  cents refund_amount;                 // of the cancellation being confirmed
  bool restore_credit = false;

  friend bool operator==(const dialogue_state&, const dialogue_state&) = default;
};

// ---- events ----------------------------------------------------------------------------------

// `attachment`: the kind of file the text came with ("image", …), or "": a photo with a
// caption is read as its caption, and staff hear of the photo.
struct text_received { std::string text; std::string attachment = {}; };
struct unsupported_received { std::string kind; };          // "image", "audio", "sticker", …
struct slots_found { std::vector<offered_slot> slots; };    // non-empty
struct no_slots {};
struct hold_placed { booking_id id; std::chrono::sys_seconds expires_at; offered_slot slot; };
struct slot_taken {};
struct payment_link_ready { std::string url; std::chrono::sys_seconds expires_at; };
struct payment_succeeded {};
struct payment_failed {};
struct payment_expired {};
// The booking's tutor and time come with it: a late payment (the student went back to
// the menu meanwhile) is confirmed too, and the student must still hear of it.
struct booking_confirmed { booking_id id; offered_slot slot; };
// A series held (every lesson of `plan`), or not: a lesson was taken meanwhile, or nothing fits.
struct series_held { std::string id; series_plan plan; std::chrono::sys_seconds expires_at; };
struct series_not_held { bool taken = false; };
struct refund_done { cents amount; };
struct booking_cancelled { booking_id id; };
struct series_cancelled { std::string series; };  // its lessons from now on
struct handoff_ended {};
struct idle_timeout {};
// The student's message (or another event) failed to be processed again and again: the
// student is told so and handed to a person, never left in silence. `error` is for staff.
struct processing_failed { std::string error; };
// WhatsApp refused a message the bot sent (Chatwoot reports Meta's `error`). Outside the
// 24-hour window a plain message goes out again, once, as the approved template; any other
// refusal — or a refused template — goes to staff: the student cannot answer what never came.
struct message_refused { std::string content; std::string error; bool was_template = false; };

using dialogue_event =
    std::variant<text_received, unsupported_received, slots_found, no_slots, hold_placed,
                 slot_taken, payment_link_ready, payment_succeeded, payment_failed,
                 payment_expired, booking_confirmed, refund_done, booking_cancelled,
                 handoff_ended, idle_timeout, processing_failed, message_refused, series_held,
                 series_not_held, series_cancelled>;

// ---- effects ---------------------------------------------------------------------------------

// One WhatsApp message. `text` is NOT split: the actor sends it through split_message
// (4,096) when there are no options; with options it renders make_quick_reply(text,
// options) as Chatwoot input_select (buttons / list) or its numbered_text fallback.
// A tap comes back as a text_received equal to the title.
struct send_text { std::string text; std::vector<std::string> options; };

struct query_slots {
  std::optional<tutor_id> tutor;                    // nullopt: every tutor giving `duration`
  int duration_minutes = 60;
  std::chrono::sys_seconds from, to;                // starts in [from, to)
  std::optional<std::array<bool, 7>> weekdays;      // index weekday::c_encoding()
  std::optional<std::array<bool, 3>> parts_of_day;  // index part_of_day
  std::size_t limit = 5;
  std::size_t offset = 0;                           // skip this many ("meer")
};
struct place_hold { tutor_id tutor; domain::slot slot; int duration_minutes; std::string product_id; };
// Every lesson of a weekly or bi-weekly series from `first`, planned under the school's policy
// and held at once (answered by series_held or series_not_held).
struct place_series {
  tutor_id tutor;
  domain::slot first;
  int interval_weeks = 1;
  std::optional<int> count;                          // exactly one of count and until
  std::optional<std::chrono::year_month_day> until;
  std::string product_id;
};
struct release_series { std::string series; };
// Cancel every lesson of the series still to come, each under the cancellation policy
// (answered by series_cancelled; `refund` is what the student was told to expect).
struct cancel_series { std::string series; cents refund; };
// A Checkout Session for held bookings (bookings non-empty), a held series, or a package.
struct request_payment {
  std::vector<booking_id> bookings;
  std::optional<std::string> series;
  std::string product_id;
  domain::quote quote;
  std::string customer_email;
  language locale;
};
struct use_credit { booking_id booking; };          // pay a held lesson from package credit
struct book_trial { booking_id booking; };          // confirm a held trial lesson, no payment
struct release_hold { booking_id booking; };
struct cancel_booking { booking_id booking; cents refund; bool restore_credit = false; };
struct reschedule { booking_id booking; booking_id new_hold; };  // move a booking onto a held slot
struct add_labels { std::vector<std::string> labels; };
struct remove_labels { std::vector<std::string> labels; };
struct set_contact_attributes { std::map<std::string, std::string> attributes; };
struct private_note { std::string text; };
struct hand_off { std::string reason; };            // open the conversation for staff
// `text` as the school's approved WhatsApp template: what may reach the student outside the
// 24-hour window.
struct send_template { std::string text; };

using effect = std::variant<send_text, query_slots, place_hold, request_payment, use_credit,
                            book_trial, release_hold, cancel_booking, reschedule, add_labels,
                            remove_labels, set_contact_attributes, private_note, hand_off,
                            send_template, place_series, release_series, cancel_series>;

struct step_result {
  dialogue_state state;
  std::vector<effect> effects;
};

step_result step(const dialogue_state& state, const dialogue_event& event,
                 const dialogue_context& context);

// Names for logs, JSON and transcripts.
std::string_view to_string(dialogue_phase p);
std::optional<dialogue_phase> parse_dialogue_phase(std::string_view s);
std::string_view to_string(dialogue_flow f);
std::optional<dialogue_flow> parse_dialogue_flow(std::string_view s);
std::string_view to_string(intake_field f);             // "student_name", … (attribute keys)
std::optional<intake_field> parse_intake_field(std::string_view s);

// Chatwoot labels the machine sets.
namespace labels {
inline constexpr std::string_view awaiting_payment = "awaiting-payment";
inline constexpr std::string_view paid = "paid";
inline constexpr std::string_view booked = "booked";
inline constexpr std::string_view payment_failed = "payment-failed";
inline constexpr std::string_view refunded = "refunded";
inline constexpr std::string_view cancelled = "cancelled";
inline constexpr std::string_view handoff = "handoff";
inline constexpr std::string_view delivery_failed = "delivery-failed";
inline constexpr std::string_view trial = "trial";
inline constexpr std::string_view package = "package";
inline constexpr std::string_view reminded = "reminded";  // a lesson's reminder reached the chat
}  // namespace labels

}  // namespace tutorbot::domain
