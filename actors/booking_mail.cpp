#include "actors/booking_mail.hpp"

#include <functional>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "actors/booking_work.hpp"
#include "actors/clock.hpp"
#include "db/booking_students.hpp"
#include "db/outbox.hpp"
#include "db/receipts.hpp"
#include "domain/booking_mail.hpp"
#include "domain/local_format.hpp"
#include "domain/receipt_mail.hpp"
#include "domain/reminder_plan.hpp"
#include "domain/texts.hpp"
#include "mail/header_words.hpp"
#include "mail/icalendar.hpp"
#include "net/json_fields.hpp"
#include "obs/log.hpp"

namespace tutorbot::actors {

namespace json = boost::json;

namespace {

// Mails `text` (with the calendar part, if any) to `to` as the school, with a Message-ID made
// from the item's key. A refusal (5xx) is given up, and leaves staff `staff_note(reason)` as a
// private note on the conversation, once; a temporary failure is retried.
outbox_outcome deliver(const booking_mail_settings& settings, const db::outbox_item& item, db::connection& conn,
                       std::vector<mail::mail_address> to, const domain::mail_text& text,
                       std::optional<mail::calendar_part> calendar, std::optional<long long> conversation,
                       const std::function<std::string(const std::string& reason)>& staff_note) {
  mail::mail_message message;
  message.from = {settings.school.name, settings.school.email};
  message.reply_to = settings.reply_to;
  message.to = std::move(to);
  message.subject = text.subject;
  message.message_id = mail::message_id_for(item.idempotency_key, settings.school.email);
  message.date = now_seconds();
  message.text = text.text;
  message.html = text.html;
  message.calendar = std::move(calendar);

  const auto outcome = mail::send_mail(settings.smtp, message);
  switch (outcome.verdict) {
    case mail::smtp_verdict::sent:
      obs::log_info("mail_sent", {{"kind", item.kind}, {"key", item.idempotency_key}});
      return outbox_outcome::done();
    case mail::smtp_verdict::refused:
      if (conversation)
        db::enqueue(conn, db::outbox_kind::chatwoot_message, "mail-refused:" + item.idempotency_key,
                    json::serialize(json::object{
                        {"conversation_id", *conversation}, {"content", staff_note(outcome.detail)}, {"private", true}}),
                    now_seconds());
      return outbox_outcome::give_up("SMTP refused: " + outcome.detail);
    case mail::smtp_verdict::try_again:
      break;
  }
  return outbox_outcome::retry("SMTP: " + outcome.detail);
}

// Mails the student the booking as it stands, for `occasion`, with its current invite. Staff
// notes are in the school's language.
outbox_outcome send_booking_mail(const booking_mail_settings& settings, const db::outbox_item& item,
                                 db::connection& conn, const db::booking_with_student& found,
                                 domain::mail_occasion occasion) {
  const auto& b = found.booking;
  const auto sources = domain::invite_sources_for(b, *settings.calendar, *settings.catalog, settings.school);
  const auto invite = domain::invite_for(b, found.student, sources, now_seconds());
  const auto text =
      domain::booking_mail_for(b, found.student, sources, settings.zone, occasion, found.returned, settings.invites);
  std::vector<mail::mail_address> to;
  std::string email;  // for staff: every address the mail went to
  for (const auto& attendee : invite.attendees) {
    to.push_back({attendee.name, attendee.email});
    email += (email.empty() ? "" : ", ") + attendee.email;
  }
  std::optional<mail::calendar_part> calendar;
  if (settings.invites == domain::invite_sender::mail)
    calendar = mail::calendar_part{mail::icalendar_content_type(invite), mail::to_icalendar(invite)};
  return deliver(settings, item, conn, std::move(to), text, std::move(calendar),
                 domain::conversation_of_student_ref(b.student_ref), [&](const std::string& reason) {
                   if (occasion == domain::mail_occasion::reminder)
                     return domain::render_text(
                         domain::language::nl, domain::msg::note_reminder_failed,
                         {{"channel", "e-mail"},
                          {"when", domain::format_date_time_long(domain::language::nl, b.lesson_start, settings.zone)},
                          {"reason", email + ": " + reason}});
                   return domain::render_text(domain::language::nl, domain::msg::note_mail_refused,
                                              {{"subject", text.subject}, {"email", email}, {"reason", reason}});
                 });
}

// The receipt's lines from the order's stored quote lines, in the order's language.
std::vector<domain::receipt_line> receipt_lines(const std::string& lines_json, domain::language lang) {
  std::vector<domain::receipt_line> out;
  boost::system::error_code ec;
  const auto lines = json::parse(lines_json, ec);
  if (ec || !lines.is_array()) return out;
  for (const auto& v : lines.as_array()) {
    if (!v.is_object()) continue;
    const auto& l = v.as_object();
    domain::receipt_line line;
    line.description = net::string_at(l, lang == domain::language::en ? "description_en" : "description_nl");
    if (const auto* q = l.if_contains("quantity"); q && q->is_int64()) line.quantity = static_cast<int>(q->as_int64());
    if (const auto* a = l.if_contains("amount"); a && a->is_int64()) line.amount = domain::cents{a->as_int64()};
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace

outbox_handler make_booking_mail(booking_mail_settings settings) {
  return [settings = std::move(settings)](const db::outbox_item& item, db::connection& conn) -> outbox_outcome {
    auto looked_up = find_work_booking(item, conn);
    if (const auto* give_up = std::get_if<outbox_outcome>(&looked_up)) return *give_up;
    const auto& [work, found] = std::get<booking_work_found>(looked_up);
    if (found.booking.invite_sequence != work.sequence) return outbox_outcome::done();  // a later change mails its own
    if (domain::attendees_of(found.student).empty()) {
      obs::log_info("booking_mail_skipped", {{"booking_id", work.booking_id}, {"reason", "no student address"}});
      return outbox_outcome::done();
    }
    return send_booking_mail(settings, item, conn, found, domain::change_of(found.booking));
  };
}

outbox_handler make_reminder_mail(booking_mail_settings settings) {
  return [settings = std::move(settings)](const db::outbox_item& item, db::connection& conn) -> outbox_outcome {
    auto looked_up = find_work_booking(item, conn);
    if (const auto* give_up = std::get_if<outbox_outcome>(&looked_up)) return *give_up;
    const auto& [work, found] = std::get<booking_work_found>(looked_up);
    if (!domain::reminder_still_wanted(found.booking, work.sequence, now_seconds())) {
      obs::log_info("reminder_skipped", {{"booking_id", work.booking_id}, {"reason", "moved, cancelled or begun"}});
      return outbox_outcome::done();
    }
    if (domain::attendees_of(found.student).empty()) {
      obs::log_info("reminder_skipped", {{"booking_id", work.booking_id}, {"reason", "no student address"}});
      return outbox_outcome::done();
    }
    return send_booking_mail(settings, item, conn, found, domain::mail_occasion::reminder);
  };
}

outbox_handler make_receipt_mail(booking_mail_settings settings) {
  return [settings = std::move(settings)](const db::outbox_item& item, db::connection& conn) -> outbox_outcome {
    boost::system::error_code ec;
    const auto payload = json::parse(item.payload, ec);
    const auto order_id = !ec && payload.is_object() ? net::string_at(payload.as_object(), "order_id") : std::string{};
    if (order_id.empty()) return outbox_outcome::give_up("payload has no order_id");
    const auto order = db::find_paid_order(conn, order_id);
    if (!order) return outbox_outcome::give_up("order " + order_id + " does not exist or was not paid");
    if (order->email.empty()) {
      obs::log_info("receipt_skipped", {{"order_id", order_id}, {"reason", "no address"}});
      return outbox_outcome::done();
    }
    domain::receipt receipt;
    receipt.reference = order->id;
    receipt.lang = order->locale == "en" ? domain::language::en : domain::language::nl;
    receipt.lines = receipt_lines(order->lines_json, receipt.lang);
    receipt.total = order->total;
    receipt.vat = order->vat;
    receipt.paid_at = order->paid_at;
    receipt.payer_name = order->name;
    const auto text = domain::receipt_mail_for(receipt, settings.school.name, settings.zone);
    return deliver(settings, item, conn, {{order->name, order->email}}, text, std::nullopt, order->conversation_id,
                   [&](const std::string& reason) {
                     return domain::render_text(domain::language::nl, domain::msg::note_mail_refused,
                                                {{"subject", text.subject}, {"email", order->email}, {"reason", reason}});
                   });
  };
}

}  // namespace tutorbot::actors
