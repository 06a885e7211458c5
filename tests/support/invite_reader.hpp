#pragma once
// What an independent iCalendar parser (python3-icalendar, through
// tests/support/python/read_invite.py) reads from an invite: one JSON object.
#include <string>

#include <boost/json/object.hpp>

namespace tutorbot::testing {

// Throws std::runtime_error, with the parser's complaint, when it cannot read the text.
boost::json::object read_invite(const std::string& ics);

}  // namespace tutorbot::testing
