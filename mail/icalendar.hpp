#pragma once
// An invite as iCalendar text (RFC 5545), with the VTIMEZONE of its zone so that every
// calendar places the lesson at the same local time on both sides of a DST change.
#include <string>

#include "domain/invite.hpp"

namespace tutorbot::mail {

// The whole VCALENDAR, CRLF line endings and folded lines as RFC 5545 §3.1 asks. Throws
// std::invalid_argument for a time zone libical does not know (the configuration checked it).
std::string to_icalendar(const domain::invite& invite);

// The Content-Type an e-mail part or an HTTP answer gives it, so that mail clients show
// accept buttons (RFC 6047 §2.4): "text/calendar; charset=utf-8; method=REQUEST".
std::string icalendar_content_type(const domain::invite& invite);

}  // namespace tutorbot::mail
