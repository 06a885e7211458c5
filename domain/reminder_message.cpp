#include "domain/reminder_message.hpp"

#include "domain/local_format.hpp"
#include "domain/texts.hpp"

namespace tutorbot::domain {

reminder_fields reminder_fields_for(const booking& b, const std::string& student_name, const invite_sources& sources,
                                    const date::time_zone* zone, language lang) {
  return {student_name.empty() ? render_text(lang, msg::reminder_name_unknown) : student_name,
          format_date_long(lang, b.lesson_start, zone), format_time(lang, b.lesson_start, zone), tutor_name_of(b, sources)};
}

std::string whatsapp_reminder_text(language lang, const reminder_fields& fields) {
  return render_text(lang, msg::reminder_whatsapp, {{"tutor", fields.tutor}, {"day", fields.day}, {"time", fields.time}});
}

std::vector<std::string> template_values(const reminder_fields& fields, const std::vector<reminder_field>& order) {
  std::vector<std::string> values;
  for (auto field : order) {
    switch (field) {
      case reminder_field::name: values.push_back(fields.name); break;
      case reminder_field::day: values.push_back(fields.day); break;
      case reminder_field::time: values.push_back(fields.time); break;
      case reminder_field::tutor: values.push_back(fields.tutor); break;
    }
  }
  return values;
}

}  // namespace tutorbot::domain
