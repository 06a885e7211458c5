#pragma once
// What a lesson's WhatsApp reminder says (issue 16), and the values an approved template takes
// in its place outside the 24-hour window, in the order the school's template wants them.
#include <string>
#include <vector>

#include <date/tz.h>

#include "domain/booking.hpp"
#include "domain/invite.hpp"

namespace tutorbot::domain {

// The values a reminder template may take as its body parameters.
enum class reminder_field { name, day, time, tutor };

struct reminder_fields {
  std::string name;  // the student's; a greeting word ("daar") when unknown: WhatsApp refuses an empty parameter
  std::string day;   // "maandag 29 maart 2027", in the school's zone
  std::string time;  // "16:00"
  std::string tutor;
};

// The day and time written in `lang`.
reminder_fields reminder_fields_for(const booking& b, const std::string& student_name, const invite_sources& sources,
                                    const date::time_zone* zone, language lang);

std::string whatsapp_reminder_text(language lang, const reminder_fields& fields);

// The template's body parameters in the configured order ({{1}} first).
std::vector<std::string> template_values(const reminder_fields& fields, const std::vector<reminder_field>& order);

}  // namespace tutorbot::domain
