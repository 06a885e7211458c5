#include "domain/invite.hpp"

#include <boost/algorithm/string/predicate.hpp>

#include "domain/texts.hpp"

namespace tutorbot::domain {

invite_sources invite_sources_for(const booking& b, const calendar_rules& calendar, const payment_catalog& catalog,
                                  school_identity school) {
  return {calendar.find_tutor(b.tutor.value), catalog.find_product(b.product_id), std::move(school), calendar.timezone};
}

std::string tutor_name_of(const booking& b, const invite_sources& sources) {
  return sources.tutor ? sources.tutor->name : b.tutor.value;
}

std::string product_name_of(const booking& b, const invite_sources& sources, language lang) {
  if (!sources.lesson_product) return b.product_id;
  return lang == language::en ? sources.lesson_product->name_en : sources.lesson_product->name_nl;
}

std::string_view to_string(invite_method m) {
  switch (m) {
    case invite_method::request: return "REQUEST";
    case invite_method::cancel: return "CANCEL";
    case invite_method::publish: break;
  }
  return "PUBLISH";
}

std::vector<invite_party> attendees_of(const lesson_student& student) {
  std::vector<invite_party> out;
  if (!student.parent_booked) {
    if (!student.email.empty()) out.push_back({student.name, student.email});
    return out;
  }
  if (!student.own_email.empty()) out.push_back({student.name, student.own_email});
  // A parent who gave their own address as the student's is one attendee, not two.
  if (!student.email.empty() && !boost::algorithm::iequals(student.email, student.own_email))
    out.push_back({student.name.empty() ? std::string{}
                                        : render_text(student.lang, msg::invite_parent_of, {{"student", student.name}}),
                   student.email});
  return out;
}

invite invite_for(const booking& b, const lesson_student& student, const invite_sources& sources,
                  std::chrono::sys_seconds now) {
  invite out;
  // The booking id is a UUID: unique without a host part, and stable across every change.
  out.uid = b.id.value + "@tutorbot";
  out.sequence = b.invite_sequence;
  out.start = b.lesson_start;
  out.end = b.lesson_end;
  out.stamp = now;
  out.time_zone = sources.time_zone;
  const language lang = student.lang;
  const std::string tutor = tutor_name_of(b, sources);
  if (sources.tutor) out.location = sources.tutor->location;
  const std::string product = product_name_of(b, sources, lang);
  out.summary = student.subject.empty()
                    ? render_text(lang, msg::invite_summary_no_subject, {{"tutor", tutor}})
                    : render_text(lang, msg::invite_summary, {{"subject", student.subject}, {"tutor", tutor}});
  const std::string who = student.name.empty() ? student.email : student.name;
  out.description =
      render_text(lang, msg::invite_description, {{"product", product}, {"tutor", tutor}, {"student", who}});
  if (!sources.school.email.empty()) out.organizer = invite_party{sources.school.name, sources.school.email};
  out.attendees = attendees_of(student);
  out.cancelled = !is_active(b.status);
  const bool can_invite = out.organizer && !out.attendees.empty();
  out.method = !can_invite ? invite_method::publish : out.cancelled ? invite_method::cancel : invite_method::request;
  return out;
}

tutor_event_text tutor_event_for(const booking& b, const lesson_student& student, const invite_sources& sources,
                                 const std::string& conversation_link, language lang) {
  const std::string who = student.name.empty() ? b.student_ref : student.name;
  tutor_event_text out;
  out.summary = render_text(lang, msg::tutor_event_summary, {{"product", product_name_of(b, sources, lang)}, {"student", who}});
  // A calendar shared by several tutors (the default calendar) needs to say whose lesson it is.
  const std::string tutor = tutor_name_of(b, sources);
  out.description = render_text(lang, msg::tutor_event_tutor, {{"tutor", tutor}}) + "\n" +
                    render_text(lang, msg::tutor_event_student, {{"student", who}});
  if (!student.level.empty()) out.description += "\n" + render_text(lang, msg::tutor_event_level, {{"level", student.level}});
  if (!student.subject.empty())
    out.description += "\n" + render_text(lang, msg::tutor_event_subject, {{"subject", student.subject}});
  if (!conversation_link.empty())
    out.description += "\n" + render_text(lang, msg::tutor_event_conversation, {{"link", conversation_link}});
  out.description += "\n" + render_text(lang, msg::tutor_event_booking, {{"booking", b.id.value}});
  return out;
}

}  // namespace tutorbot::domain
