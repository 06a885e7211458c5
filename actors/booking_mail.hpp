#pragma once
// The outbox handlers that e-mail students and payers: a booking's invite (mail.booking), a
// lesson's reminder (reminder.email) and a payment's receipt (mail.receipt). Each mail has a
// Message-ID made from the work's key, so a repeated attempt is the same message; a refusal
// (5xx) is given up and told to staff as a private note on the conversation.
//
// mail.booking mails the invite as it stands at the invite sequence the work names (a new, a
// moved, a cancelled lesson); a later change sends its own mail, and work for an earlier
// sequence is then done without sending.
#include <optional>
#include <string>

#include <date/tz.h>

#include "actors/outbox_dispatcher.hpp"
#include "domain/calendar_rules.hpp"
#include "domain/catalog.hpp"
#include "domain/invite.hpp"
#include "mail/smtp_client.hpp"

namespace tutorbot::actors {

struct booking_mail_settings {
  const domain::calendar_rules* calendar = nullptr;  // required: tutors' names and locations; the zone
  const domain::payment_catalog* catalog = nullptr;  // required: the lesson's name
  const date::time_zone* zone = nullptr;
  domain::school_identity school;                    // sender and organizer
  std::optional<std::string> reply_to;
  mail::smtp_options smtp;
  domain::invite_sender invites = domain::invite_sender::mail;  // google: the mails carry no .ics
};

outbox_handler make_booking_mail(booking_mail_settings settings);

// The outbox handler of reminder.email: the lesson's reminder, with its invite once more, when
// the lesson is still as it was planned (not moved, cancelled or begun) and the student has an
// address. A refusal is told to staff as a private note.
outbox_handler make_reminder_mail(booking_mail_settings settings);

// The outbox handler of mail.receipt: the payer's receipt for a paid order (what was paid for,
// the total and its VAT), to the address given at checkout, else the student's.
outbox_handler make_receipt_mail(booking_mail_settings settings);

}  // namespace tutorbot::actors
