#pragma once
// The e-mail that carries a booking's invite to the student: what it says for a new, a moved
// and a cancelled lesson, in the student's language. Sending it is mail/'s and actors/' work.
#include <string>

#include <date/tz.h>

#include "domain/invite.hpp"

namespace tutorbot::domain {

enum class booking_change { confirmed, moved, cancelled };

// Which change the booking's state tells of: cancelled (or expired) once inactive; a first
// confirmation at sequence 0; a move after that.
booking_change change_of(const booking& b);

struct mail_text {
  std::string subject;
  std::string text;  // text/plain
  std::string html;  // text/html: the same paragraphs, escaped
};

mail_text booking_mail_for(const booking& b, const lesson_student& student, const invite_sources& sources,
                           const date::time_zone* zone);

}  // namespace tutorbot::domain
