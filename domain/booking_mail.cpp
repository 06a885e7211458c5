#include "domain/booking_mail.hpp"

#include <vector>

#include "domain/html_text.hpp"
#include "domain/local_format.hpp"
#include "domain/texts.hpp"

namespace tutorbot::domain {

namespace {

// The paragraph's line breaks as <br>.
std::string html_paragraph(const std::string& text) {
  std::string out = "<p>";
  for (char c : escape_html(text)) {
    if (c == '\n') out += "<br>";
    else out += c;
  }
  return out + "</p>";
}

}  // namespace

booking_change change_of(const booking& b) {
  if (!is_active(b.status)) return booking_change::cancelled;
  return b.invite_sequence == 0 ? booking_change::confirmed : booking_change::moved;
}

mail_text booking_mail_for(const booking& b, const lesson_student& student, const invite_sources& sources,
                           const date::time_zone* zone) {
  const language lang = student.lang;
  const std::string when = format_date_time_long(lang, b.lesson_start, zone);
  const std::string tutor = tutor_name_of(b, sources);
  const std::string product = product_name_of(b, sources, lang);
  const auto change = change_of(b);
  const msg subject = change == booking_change::confirmed ? msg::mail_confirmed_subject
                      : change == booking_change::moved   ? msg::mail_moved_subject
                                                          : msg::mail_cancelled_subject;
  const msg news = change == booking_change::confirmed ? msg::mail_confirmed
                   : change == booking_change::moved   ? msg::mail_moved
                                                       : msg::mail_cancelled;
  std::vector<std::string> paragraphs;
  paragraphs.push_back(student.name.empty() ? render_text(lang, msg::mail_greeting_unnamed)
                                            : render_text(lang, msg::mail_greeting, {{"name", student.name}}));
  std::string lesson = render_text(lang, news, {{"product", product}, {"tutor", tutor}, {"when", when}});
  if (change != booking_change::cancelled && sources.tutor && !sources.tutor->location.empty())
    lesson += "\n" + render_text(lang, msg::mail_location, {{"location", sources.tutor->location}});
  paragraphs.push_back(std::move(lesson));
  paragraphs.push_back(
      render_text(lang, change == booking_change::cancelled ? msg::mail_cancel_note : msg::mail_invite_note));
  paragraphs.push_back(render_text(lang, msg::mail_closing, {{"school", sources.school.name}}));

  mail_text out;
  out.subject = render_text(lang, subject, {{"when", when}});
  out.html = "<!DOCTYPE html><html><body>";
  for (const auto& p : paragraphs) {
    if (!out.text.empty()) out.text += "\n\n";
    out.text += p;
    out.html += html_paragraph(p);
  }
  out.html += "</body></html>";
  return out;
}

}  // namespace tutorbot::domain
