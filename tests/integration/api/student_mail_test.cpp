// What students and payers are sent besides the invites (issue 16), through a real SMTP server
// (aiosmtpd) and the Chatwoot sandbox.
//
// Reminders: before each lesson the student gets one WhatsApp reminder — as text inside the
// 24-hour window, as the school's approved template outside it — and one e-mail, through the
// outbox; the conversation is labelled `reminded`; a lesson moved or cancelled after its
// reminder was planned is not reminded. The tests drive the reminders' clock
// (actors::plan_and_release_reminders at a chosen moment); the sending is the service's.
//
// Receipts: a paid order's payer gets one receipt.
#include <chrono>
#include <string>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "actors/reminders.hpp"
#include "app/room_settings.hpp"
#include "db/connection.hpp"
#include "domain/texts.hpp"
#include "tests/integration/api/chat_journeys.hpp"
#include "tests/integration/api/chat_service.hpp"
#include "tests/support/smtp_sink.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
using namespace testing::journeys;
using testing::chat_service;

namespace {

const std::string reminder_template = "tutorbot_lesson_reminder";
const std::string whatsapp_reminder = "⏰ Herinnering: je les met";

struct student_mail_fixture {
  testing::smtp_sink sink;
  chat_service s{"student_mail", [this](config::config& cfg) {
                   cfg.service.mail.smtp_url = sink.url();
                   cfg.service.reminders.enabled = true;
                   cfg.service.reminders.whatsapp_template = reminder_template;
                 }};

  // A known student, past the intake (so the school has their name and address), with a
  // paid lesson a week ahead booked from this conversation.
  std::pair<std::int64_t, paid_lesson> student_with_a_lesson(const std::string& phone) {
    const auto c = s.open(phone, "Sanne de Vries", "sanne@example.nl", chat_service::known_student());
    up_to_suggestions(s, c);
    return {c, pay_lesson_a_week_ahead(s, c)};
  }

  std::chrono::sys_seconds start_of(const std::string& booking) {
    return std::chrono::sys_seconds{std::chrono::seconds{
        s.scalar("SELECT extract(epoch FROM lower(lesson))::bigint FROM bookings WHERE id = '" + booking + "'")}};
  }

  // One round of the reminders actor at `now`, as the service's own would run it then.
  std::size_t reminders_round(std::chrono::sys_seconds now) {
    auto settings = app::make_reminders_settings(*s.started_with, date::locate_zone(s.started_with->calendar.timezone));
    settings.whatsapp = true;
    db::connection conn(s.payments.service.url);
    return actors::plan_and_release_reminders(conn, settings, now);
  }

  std::size_t bot_lines_containing(std::int64_t c, const std::string& text) {
    std::size_t n = 0;
    for (const auto& l : s.bot_lines(c))
      if (l.content.find(text) != std::string::npos) ++n;
    return n;
  }

  std::size_t reminder_mails() {
    std::size_t n = 0;
    for (const auto& m : sink.mails())
      if (std::string(m.at("subject").as_string()).find("Herinnering: je les") == 0) ++n;
    return n;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(reminders, student_mail_fixture)

BOOST_AUTO_TEST_CASE(a_lesson_is_reminded_once_in_the_chat_and_by_email_and_the_conversation_is_labelled) {
  const auto [c, lesson] = student_with_a_lesson("+31611160001");
  const auto start = start_of(lesson.booking);
  // Within two days: planned, not due. A day ahead (no quiet hours at a lesson's time): due.
  BOOST_TEST(reminders_round(start - 47h) == 0u);
  BOOST_TEST(s.scalar("SELECT count(*) FROM lesson_reminders WHERE booking_id = '" + lesson.booking + "'") == 2);
  BOOST_TEST(reminders_round(start - 24h) == 2u);

  s.payments.wait_until([&] { return bot_lines_containing(c, whatsapp_reminder) == 1; }, "the WhatsApp reminder arrives");
  s.payments.wait_until([&] { return reminder_mails() == 1; }, "the reminder mail arrives");
  s.payments.wait_until([&] { return s.has_label(c, "reminded"); }, "the conversation is labelled reminded");
  // Inside the window: text, not the template.
  for (const auto& call : s.chatwoot.sandbox().calls())
    BOOST_TEST(call.body.find(reminder_template) == std::string::npos);

  // Once: later rounds, and a second instance's, find nothing more to send.
  BOOST_TEST(reminders_round(start - 23h) == 0u);
  BOOST_TEST(reminders_round(start - 1h) == 0u);
  s.settle();
  BOOST_TEST(bot_lines_containing(c, whatsapp_reminder) == 1u);
  BOOST_TEST(reminder_mails() == 1u);
  BOOST_TEST(s.scalar("SELECT count(*) FROM outbox WHERE kind LIKE 'reminder.%' AND done_at IS NOT NULL") == 2);
}

BOOST_AUTO_TEST_CASE(outside_the_window_the_reminder_is_the_schools_template_with_its_parameters_in_order) {
  const auto [c, lesson] = student_with_a_lesson("+31611160002");
  const auto start = start_of(lesson.booking);
  // The student last wrote more than a day ago, on both sides.
  s.chatwoot.sandbox().advance_clock(25h);
  s.exec("UPDATE conversations SET last_incoming_at = now() - interval '25 hours'");
  reminders_round(start - 47h);
  BOOST_TEST(reminders_round(start - 24h) == 2u);

  // The sandbox lists a call once it has answered it, which may be after the message shows.
  boost::json::object sent;
  s.payments.wait_until(
      [&] {
        for (const auto& call : s.chatwoot.sandbox().calls())
          if (call.method == "POST" && call.body.find(reminder_template) != std::string::npos)
            sent = boost::json::parse(call.body).as_object();
        return !sent.empty();
      },
      "a message goes out as the reminder template");
  BOOST_TEST(bot_lines_containing(c, whatsapp_reminder) == 1u);
  const auto& params = sent.at("template_params").as_object();
  BOOST_TEST(params.at("name").as_string() == reminder_template);
  const auto& body = params.at("processed_params").as_object().at("body").as_object();
  // name, day, time, tutor: the configuration's default order.
  BOOST_TEST(body.at("1").as_string() == s.text("SELECT s.name FROM students s JOIN conversations c ON c.student_id = s.id "
                                                "WHERE c.chatwoot_conversation_id = " + std::to_string(c)));
  BOOST_TEST(!body.at("1").as_string().empty());
  BOOST_TEST(std::string(body.at("2").as_string()).find(" 20") != std::string::npos, body.at("2"));  // "… <day> <month> <year>"
  BOOST_TEST(body.at("3").as_string().size() == 5u, body.at("3"));  // "HH:MM"
  BOOST_TEST(body.at("4").as_string() == s.started_with->calendar.find_tutor("anouk")->name);
  BOOST_TEST(s.transcript(c).undelivered.empty());
  s.payments.wait_until([&] { return s.has_label(c, "reminded"); }, "the conversation is labelled reminded");
}

BOOST_AUTO_TEST_CASE(a_student_tutorbot_has_no_message_on_record_from_is_reminded_with_the_template) {
  const auto [c, lesson] = student_with_a_lesson("+31611160005");
  const auto start = start_of(lesson.booking);
  // A reminder opens the exchange: without a message on record, plain text may be refused.
  s.exec("UPDATE conversations SET last_incoming_at = NULL WHERE chatwoot_conversation_id = " + std::to_string(c));
  reminders_round(start - 47h);
  BOOST_TEST(reminders_round(start - 24h) == 2u);
  s.payments.wait_until(
      [&] {
        for (const auto& call : s.chatwoot.sandbox().calls())
          if (call.method == "POST" && call.body.find(reminder_template) != std::string::npos) return true;
        return false;
      },
      "the reminder goes out as the template");
  BOOST_TEST(bot_lines_containing(c, whatsapp_reminder) == 1u);
}

BOOST_AUTO_TEST_CASE(a_lesson_cancelled_after_its_reminder_was_planned_is_not_reminded_and_its_mail_names_the_refund) {
  const auto [c, lesson] = student_with_a_lesson("+31611160003");
  const auto start = start_of(lesson.booking);
  reminders_round(start - 47h);
  BOOST_REQUIRE_EQUAL(s.scalar("SELECT count(*) FROM lesson_reminders WHERE booking_id = '" + lesson.booking + "'"), 2);
  BOOST_REQUIRE_EQUAL(s.payments.api("DELETE", "/api/v1/bookings/" + lesson.booking).status, 200);
  BOOST_TEST(reminders_round(start - 24h) == 0u);
  s.settle();
  BOOST_TEST(bot_lines_containing(c, whatsapp_reminder) == 0u);
  BOOST_TEST(reminder_mails() == 0u);
  BOOST_TEST(s.scalar("SELECT count(*) FROM lesson_reminders WHERE booking_id = '" + lesson.booking +
                      "' AND dropped_at IS NOT NULL AND sent_at IS NULL") == 2);
  BOOST_TEST(!s.has_label(c, "reminded"));
  // A week ahead, the policy refunds it all; the cancellation's mail says so.
  bool named = false;
  for (const auto& m : sink.mails())
    if (std::string(m.at("subject").as_string()).find("Je les is geannuleerd") == 0)
      named = testing::part_text(m, "text/plain")
                  .find("De terugbetaling van " +
                        domain::format_money(domain::language::nl, domain::cents{lesson.amount_cents}) + " naar de rekening") !=
              std::string::npos;
  BOOST_TEST(named);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(receipts, student_mail_fixture)

BOOST_AUTO_TEST_CASE(a_paid_lesson_sends_its_payer_one_receipt_with_the_amount_and_the_order) {
  const auto [c, lesson] = student_with_a_lesson("+31611160004");
  std::vector<boost::json::object> receipts;
  s.payments.wait_until(
      [&] {
        receipts.clear();
        for (const auto& m : sink.mails())
          if (std::string(m.at("subject").as_string()).find("Betaalbewijs ") == 0) receipts.push_back(m);
        return !receipts.empty();
      },
      "the receipt arrives");
  s.settle();
  BOOST_TEST(s.scalar("SELECT count(*) FROM outbox WHERE kind = 'mail.receipt' AND done_at IS NOT NULL") == 1);
  BOOST_REQUIRE_EQUAL(receipts.size(), 1u);
  const auto& receipt = receipts.front();
  BOOST_TEST(std::string(receipt.at("to").as_string()).find("ouder@example.nl") != std::string::npos, receipt.at("to"));
  const auto amount = domain::format_money(domain::language::nl, domain::cents{lesson.amount_cents});
  BOOST_TEST(std::string(receipt.at("subject").as_string()).ends_with(": " + amount), receipt.at("subject"));
  const auto text = testing::part_text(receipt, "text/plain");
  BOOST_TEST(text.find("We hebben je betaling van " + amount + " ontvangen op ") != std::string::npos, text);
  BOOST_TEST(text.find(lesson.order) != std::string::npos, text);
  BOOST_TEST(testing::part_text(receipt, "text/calendar").empty());
  BOOST_TEST(std::string(receipt.at("message_id").as_string()).find(lesson.order) != std::string::npos, receipt.at("message_id"));
}

BOOST_AUTO_TEST_SUITE_END()
