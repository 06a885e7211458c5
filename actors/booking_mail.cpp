#include "actors/booking_mail.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "actors/clock.hpp"
#include "db/booking_students.hpp"
#include "db/outbox.hpp"
#include "domain/booking_mail.hpp"
#include "domain/local_format.hpp"
#include "domain/texts.hpp"
#include "mail/header_words.hpp"
#include "mail/icalendar.hpp"
#include "obs/log.hpp"

namespace tutorbot::actors {

namespace json = boost::json;

namespace {

struct mail_work {
  std::string booking_id;
  std::int64_t sequence = 0;
};

std::optional<mail_work> work_of(const std::string& payload) {
  boost::system::error_code ec;
  auto value = json::parse(payload, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto* id = value.as_object().if_contains("booking_id");
  const auto* sequence = value.as_object().if_contains("sequence");
  if (!id || !id->is_string() || !sequence || !sequence->is_int64()) return std::nullopt;
  return mail_work{std::string(id->as_string()), sequence->as_int64()};
}

void tell_staff(db::connection& conn, const db::outbox_item& item, const db::booking_with_student& found,
                const std::string& subject, const std::string& reason) {
  const auto conversation = domain::conversation_of_student_ref(found.booking.student_ref);
  if (!conversation) return;
  // Staff notes are in the school's language.
  const auto note = domain::render_text(domain::language::nl, domain::msg::note_mail_refused,
                                        {{"subject", subject}, {"email", found.student.email}, {"reason", reason}});
  db::enqueue(conn, db::outbox_kind::chatwoot_message, "mail-refused:" + item.idempotency_key,
              json::serialize(json::object{{"conversation_id", *conversation}, {"content", note}, {"private", true}}),
              now_seconds());
}

}  // namespace

outbox_handler make_booking_mail(booking_mail_settings settings) {
  return [settings = std::move(settings)](const db::outbox_item& item, db::connection& conn) -> outbox_outcome {
    const auto work = work_of(item.payload);
    if (!work) return outbox_outcome::give_up("payload has no booking_id and sequence");
    const auto found = db::find_booking_with_student(conn, domain::booking_id{work->booking_id});
    if (!found) return outbox_outcome::give_up("booking " + work->booking_id + " does not exist");
    const auto& b = found->booking;
    if (b.invite_sequence != work->sequence) return outbox_outcome::done();  // a later change mails its own
    if (found->student.email.empty()) {
      obs::log_info("booking_mail_skipped", {{"booking_id", b.id.value}, {"reason", "no student address"}});
      return outbox_outcome::done();
    }
    const auto sources = domain::invite_sources_for(b, *settings.calendar, *settings.catalog, settings.school);
    const auto invite = domain::invite_for(b, found->student, sources, now_seconds());
    const auto text = domain::booking_mail_for(b, found->student, sources, settings.zone);

    mail::mail_message message;
    message.from = {settings.school.name, settings.school.email};
    message.reply_to = settings.reply_to;
    message.to = {found->student.name, found->student.email};
    message.subject = text.subject;
    message.message_id = mail::message_id_for(item.idempotency_key, settings.school.email);
    message.date = now_seconds();
    message.text = text.text;
    message.html = text.html;
    message.calendar = mail::calendar_part{mail::icalendar_content_type(invite), mail::to_icalendar(invite)};

    const auto outcome = mail::send_mail(settings.smtp, message);
    switch (outcome.verdict) {
      case mail::smtp_verdict::sent:
        obs::log_info("booking_mail_sent", {{"booking_id", b.id.value},
                                            {"sequence", static_cast<std::int64_t>(work->sequence)},
                                            {"method", std::string{domain::to_string(invite.method)}}});
        return outbox_outcome::done();
      case mail::smtp_verdict::refused:
        tell_staff(conn, item, *found, text.subject, outcome.detail);
        return outbox_outcome::give_up("SMTP refused: " + outcome.detail);
      case mail::smtp_verdict::try_again:
        break;
    }
    return outbox_outcome::retry("SMTP: " + outcome.detail);
  };
}

}  // namespace tutorbot::actors
