#include "actors/whatsapp_reminder.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "actors/booking_work.hpp"
#include "actors/chatwoot_effects.hpp"
#include "actors/clock.hpp"
#include "db/outbox.hpp"
#include "domain/dialogue.hpp"
#include "domain/local_format.hpp"
#include "domain/reminder_plan.hpp"
#include "domain/texts.hpp"
#include "net/chatwoot_client.hpp"
#include "obs/log.hpp"

namespace tutorbot::actors {

namespace json = boost::json;

namespace {

// After the reminder went out: its work must end done even when this fails, or a retry could
// post the reminder again.
void label_reminded(db::connection& conn, const db::outbox_item& item, domain::conversation_id conversation) {
  try {
    db::enqueue(conn, db::outbox_kind::chatwoot_labels, "reminded:" + item.idempotency_key,
                json::serialize(json::object{{"conversation_id", conversation.value},
                                             {"add", json::array{json::string_view{domain::labels::reminded}}}}),
                now_seconds());
  } catch (const std::exception& e) {
    obs::log_warn("reminder_label_failed", {{"key", item.idempotency_key}, {"error", e.what()}});
  }
}

void tell_staff(db::connection& conn, const db::outbox_item& item, domain::conversation_id conversation,
                const std::string& when, const std::string& reason) {
  // Staff notes are in the school's language.
  const auto note = domain::render_text(domain::language::nl, domain::msg::note_reminder_failed,
                                        {{"channel", "WhatsApp"}, {"when", when}, {"reason", reason}});
  db::enqueue(conn, db::outbox_kind::chatwoot_message, "reminder-failed:" + item.idempotency_key,
              json::serialize(json::object{{"conversation_id", conversation.value}, {"content", note}, {"private", true}}),
              now_seconds());
}

}  // namespace

outbox_handler make_whatsapp_reminder(net::chatwoot_client& chatwoot, whatsapp_reminder_settings settings) {
  return [&chatwoot, settings = std::move(settings)](const db::outbox_item& item, db::connection& conn) -> outbox_outcome {
    auto looked_up = find_work_booking(item, conn);
    if (const auto* give_up = std::get_if<outbox_outcome>(&looked_up)) return *give_up;
    const auto& [work, found] = std::get<booking_work_found>(looked_up);
    const auto& b = found.booking;
    if (!domain::reminder_still_wanted(b, work.sequence, now_seconds())) {
      obs::log_info("reminder_skipped", {{"booking_id", work.booking_id}, {"reason", "moved, cancelled or begun"}});
      return outbox_outcome::done();
    }
    const auto conversation_value = domain::conversation_of_student_ref(b.student_ref);
    if (!conversation_value) {
      obs::log_info("reminder_skipped", {{"booking_id", work.booking_id}, {"reason", "not booked in a chat"}});
      return outbox_outcome::done();
    }
    const domain::conversation_id conversation{*conversation_value};
    const domain::invite_sources sources{settings.calendar->find_tutor(b.tutor.value), nullptr, {}, settings.calendar->timezone};
    net::chatwoot_outgoing_message message;
    message.content = domain::whatsapp_reminder_text(
        found.student.lang, domain::reminder_fields_for(b, found.student.name, sources, settings.zone, found.student.lang));
    // A reminder starts the exchange: only an open window allows plain text.
    const bool as_template = whatsapp_window_of(conn, conversation) != whatsapp_window::open;
    if (as_template) {
      // The approved template is in one language: its day and time are written in it.
      const auto in_template = domain::reminder_fields_for(
          b, found.student.name, sources, settings.zone,
          domain::parse_language(settings.template_language).value_or(domain::language::nl));
      net::chatwoot_template reminder{settings.template_name, "UTILITY", settings.template_language, {}};
      const auto values = domain::template_values(in_template, settings.template_fields);
      for (std::size_t i = 0; i < values.size(); ++i) reminder.body_params[std::to_string(i + 1)] = values[i];
      message.whatsapp_template = std::move(reminder);
    }
    auto outcome = post_chatwoot_message(chatwoot, settings.timeout, item, conversation, message);
    switch (outcome.what) {
      case outbox_outcome::verdict::done:
        label_reminded(conn, item, conversation);
        obs::log_info("reminder_sent", {{"booking_id", b.id.value}, {"channel", "whatsapp"},
                                        {"as", as_template ? "template" : "text"}});
        break;
      case outbox_outcome::verdict::give_up:
        tell_staff(conn, item, conversation,
                   domain::format_date_time_long(domain::language::nl, b.lesson_start, settings.zone), outcome.error);
        break;
      case outbox_outcome::verdict::retry:
        break;
    }
    return outcome;
  };
}

}  // namespace tutorbot::actors
