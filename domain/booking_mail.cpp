#include "domain/booking_mail.hpp"

#include <optional>
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

mail_text mail_of_paragraphs(std::string subject, const std::vector<std::string>& paragraphs) {
  mail_text out;
  out.subject = std::move(subject);
  out.html = "<!DOCTYPE html><html><body>";
  for (const auto& p : paragraphs) {
    if (!out.text.empty()) out.text += "\n\n";
    out.text += p;
    out.html += html_paragraph(p);
  }
  out.html += "</body></html>";
  return out;
}

mail_occasion change_of(const booking& b) {
  if (!is_active(b.status)) return mail_occasion::cancelled;
  return b.invite_sequence == 0 ? mail_occasion::confirmed : mail_occasion::moved;
}

mail_text booking_mail_for(const booking& b, const lesson_student& student, const invite_sources& sources,
                           const date::time_zone* zone, mail_occasion occasion, const cancellation_return& returned,
                           invite_sender sender) {
  const language lang = student.lang;
  const std::string when = format_date_time_long(lang, b.lesson_start, zone);
  const std::string tutor = tutor_name_of(b, sources);
  const std::string product = product_name_of(b, sources, lang);
  struct wording {
    msg subject, news;
    std::optional<msg> note;  // what the mail says of the invite
  };
  const bool google = sender == invite_sender::google;
  const wording w = [&]() -> wording {
    switch (occasion) {
      case mail_occasion::confirmed:
        return {msg::mail_confirmed_subject, msg::mail_confirmed, google ? msg::mail_google_invite_note : msg::mail_invite_note};
      case mail_occasion::moved:
        return {msg::mail_moved_subject, msg::mail_moved, google ? msg::mail_google_invite_note : msg::mail_invite_note};
      case mail_occasion::cancelled:
        return {msg::mail_cancelled_subject, msg::mail_cancelled, google ? msg::mail_google_cancel_note : msg::mail_cancel_note};
      case mail_occasion::reminder:
        // Google's invite is in the calendar already; the reminder has nothing to add about it.
        if (google) return {msg::mail_reminder_subject, msg::mail_reminder, std::nullopt};
        return {msg::mail_reminder_subject, msg::mail_reminder, msg::mail_reminder_note};
    }
    return {msg::mail_confirmed_subject, msg::mail_confirmed, msg::mail_invite_note};
  }();
  std::vector<std::string> paragraphs;
  paragraphs.push_back(student.name.empty() ? render_text(lang, msg::mail_greeting_unnamed)
                                            : render_text(lang, msg::mail_greeting, {{"name", student.name}}));
  std::string lesson = render_text(lang, w.news, {{"product", product}, {"tutor", tutor}, {"when", when}});
  if (occasion != mail_occasion::cancelled && sources.tutor && !sources.tutor->location.empty())
    lesson += "\n" + render_text(lang, msg::mail_location, {{"location", sources.tutor->location}});
  if (occasion == mail_occasion::cancelled && returned.refund.value > 0)
    lesson += "\n" + render_text(lang, msg::mail_cancel_refund, {{"amount", format_money(lang, returned.refund)}});
  if (occasion == mail_occasion::cancelled && returned.credit) lesson += "\n" + render_text(lang, msg::mail_cancel_credit);
  paragraphs.push_back(std::move(lesson));
  if (w.note) paragraphs.push_back(render_text(lang, *w.note));
  paragraphs.push_back(render_text(lang, msg::mail_closing, {{"school", sources.school.name}}));

  return mail_of_paragraphs(render_text(lang, w.subject, {{"when", when}}), paragraphs);
}

}  // namespace tutorbot::domain
