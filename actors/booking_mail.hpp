#pragma once
// The outbox handler of mail.booking: e-mails the student the invite of a booking as it stands
// at the invite sequence the work names (a new, a moved, a cancelled lesson), with a
// Message-ID made from the work's key, so a repeated attempt is the same message. A later
// change sends its own mail; work for an earlier sequence is then done without sending.
// A refusal (5xx) is given up and told to staff as a private note on the conversation.
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
};

outbox_handler make_booking_mail(booking_mail_settings settings);

}  // namespace tutorbot::actors
