#pragma once
// The calendar invite a student gets for a booking (iTIP, RFC 5546, over iCalendar, RFC 5545):
// what it says is decided here; mail/icalendar writes it out.
//
// One booking is one event in the student's calendar: its UID never changes, and its
// SEQUENCE (the booking's invite_sequence) rises with every move and cancellation, so a
// calendar replaces the event it has instead of adding a second one.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/booking.hpp"
#include "domain/calendar_rules.hpp"
#include "domain/catalog.hpp"
#include "domain/language.hpp"

namespace tutorbot::domain {

struct invite_party {
  std::string name;
  std::string email;
};

// request: an invite the student can accept (needs an organizer to answer to); cancel: the
// same event withdrawn; publish: a calendar entry to import, when no organizer is configured.
enum class invite_method { publish, request, cancel };
std::string_view to_string(invite_method m);  // "PUBLISH", "REQUEST", "CANCEL"

struct invite {
  invite_method method = invite_method::publish;
  bool cancelled = false;  // STATUS:CANCELLED (a cancel, or a published entry of a cancelled booking)
  std::string uid;
  int sequence = 0;
  std::chrono::sys_seconds start, end, stamp;
  std::string time_zone;  // IANA name: DTSTART and DTEND are local times in it
  std::string summary, description, location;
  std::optional<invite_party> organizer;
  std::vector<invite_party> attendees;
};

// Who sends the student a booking's invite: the school's mail with the .ics attached, or
// Google Calendar (the tutor's event has the student as attendee; needs domain-wide
// delegation). Never both: two invites with different UIDs would be two events.
enum class invite_sender { mail, google };

// Who the lesson is for, as the intake recorded it. `email` is the writer's address: the
// student's own, or, when a parent booked, the parent's; `own_email` is then the student's.
struct lesson_student {
  std::string name, email, level, subject;
  language lang = language::nl;
  bool parent_booked = false;
  std::string own_email = {};
};

// Who the booking's invite and mails go to: the student, and the parent who booked; only
// those with an address.
std::vector<invite_party> attendees_of(const lesson_student& student);

// The organizer: the school's name and the address replies go to. No address: no organizer.
struct school_identity {
  std::string name;
  std::string email;
};

// What the invite draws on besides the booking and its student.
struct invite_sources {
  const tutor_rules* tutor = nullptr;  // name and location; the tutor id stands in without it
  const domain::product* lesson_product = nullptr;  // the lesson's name; the product id stands in without it
  school_identity school;
  std::string time_zone;               // the school's
};

// The sources the configuration gives for this booking's tutor and product, in the calendar's zone.
invite_sources invite_sources_for(const booking& b, const calendar_rules& calendar, const payment_catalog& catalog,
                                  school_identity school);
// The tutor's name, and the product's in `lang`; the ids stand in without their configuration.
std::string tutor_name_of(const booking& b, const invite_sources& sources);
std::string product_name_of(const booking& b, const invite_sources& sources, language lang);

// The booking's invite as of now: a confirmed booking's is a request (a publish without an
// organizer or a student address to invite); a cancelled or expired one's withdraws the event.
invite invite_for(const booking& b, const lesson_student& student, const invite_sources& sources,
                  std::chrono::sys_seconds now);

// What the tutor's own calendar event says: who is coming and why, in the school's language,
// with a link to the conversation when there is one; never the student's phone or address.
struct tutor_event_text {
  std::string summary, description;
};
tutor_event_text tutor_event_for(const booking& b, const lesson_student& student, const invite_sources& sources,
                                 const std::string& conversation_link, language school_language = language::nl);

}  // namespace tutorbot::domain
