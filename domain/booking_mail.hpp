#pragma once
// The e-mail that carries a booking's invite to the student: what it says for a new, a moved
// and a cancelled lesson, and before the lesson as its reminder, in the student's language.
// Sending it is mail/'s and actors/' work.
#include <string>
#include <vector>

#include <date/tz.h>

#include "domain/invite.hpp"

namespace tutorbot::domain {

enum class mail_occasion { confirmed, moved, cancelled, reminder };

// Which change the booking's state tells of: cancelled (or expired) once inactive; a first
// confirmation at sequence 0; a move after that.
mail_occasion change_of(const booking& b);

// What a cancellation gave back, as its own transaction decided it.
struct cancellation_return {
  cents refund{0};      // on its way to what the student paid with
  bool credit = false;  // the lesson is package credit again
};

struct mail_text {
  std::string subject;
  std::string text;  // text/plain
  std::string html;  // text/html: the same paragraphs, escaped
};

// The text and HTML of a mail made of paragraphs (line breaks within them kept).
mail_text mail_of_paragraphs(std::string subject, const std::vector<std::string>& paragraphs);

// `returned` is said in a cancellation's mail; `sender` decides what the mail says of the invite
// (attached, or on its way from Google).
mail_text booking_mail_for(const booking& b, const lesson_student& student, const invite_sources& sources,
                           const date::time_zone* zone, mail_occasion occasion, const cancellation_return& returned = {},
                           invite_sender sender = invite_sender::mail);

}  // namespace tutorbot::domain
