// Mail through a real SMTP server (aiosmtpd), read back by Python's email package.
#include <boost/test/unit_test.hpp>

#include "mail/header_words.hpp"
#include "mail/smtp_client.hpp"
#include "tests/support/invite_reader.hpp"
#include "tests/support/process.hpp"
#include "tests/support/smtp_sink.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;

namespace {

const std::string invite_text =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tutorbot//test//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
    "UID:b-1@tutorbot\r\nSEQUENCE:0\r\nDTSTAMP:20270301T080000Z\r\nDTSTART:20270322T150000Z\r\n"
    "DTEND:20270322T160000Z\r\nSUMMARY:Bijles\r\nORGANIZER:mailto:info@school.nl\r\n"
    "ATTENDEE;RSVP=TRUE:mailto:sanne@example.nl\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

mail::mail_message lesson_mail(const std::string& to) {
  mail::mail_message m;
  m.from = {"Bijlesschool Één", "info@school.nl"};
  m.reply_to = "planning@school.nl";
  m.to = {{"Sanne de Boer", to}};
  m.subject = "Je les staat vast: woensdag 24 maart 2027 om 16:00 — tot dan, veel succes met je wiskunde!";
  m.message_id = "<booking-mail.b-1.0@school.nl>";
  m.date = std::chrono::sys_seconds{std::chrono::seconds{1'800'000'000}};
  m.text = "Hoi Sanne,\n\nJe les staat vast.\nWaar: Oudegracht 120 — 2e verdieping";
  m.html = "<p>Hoi Sanne,</p><p>Je les staat vast.</p>";
  m.calendar = mail::calendar_part{"text/calendar; charset=utf-8; method=REQUEST", invite_text};
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(smtp_client)

BOOST_AUTO_TEST_CASE(a_mail_arrives_with_its_headers_its_alternatives_and_its_invite) {
  testing::smtp_sink sink;
  const auto outcome = mail::send_mail({sink.url(), "", "", 20s}, lesson_mail("sanne@example.nl"));
  BOOST_TEST_REQUIRE((outcome.verdict == mail::smtp_verdict::sent), outcome.detail);
  const auto mails = sink.wait_for(1, 10s);
  BOOST_REQUIRE_EQUAL(mails.size(), 1u);
  const auto& m = mails[0];
  BOOST_TEST(m.at("subject").as_string() == lesson_mail("").subject);
  BOOST_TEST(m.at("from").as_string() == "Bijlesschool Één <info@school.nl>");
  BOOST_TEST(m.at("to").as_string() == "Sanne de Boer <sanne@example.nl>");
  BOOST_TEST(m.at("reply_to").as_string() == "planning@school.nl");
  BOOST_TEST(m.at("message_id").as_string() == "<booking-mail.b-1.0@school.nl>");
  BOOST_TEST(m.at("date").as_string() == "Fri, 15 Jan 2027 08:00:00 +0000");
  BOOST_TEST(m.at("envelope_to").as_string() == "sanne@example.nl");
  BOOST_TEST(m.at("content_type").as_string() == "multipart/mixed");
  BOOST_TEST(testing::part_text(m, "text/plain") == lesson_mail("").text);
  BOOST_TEST(testing::part_text(m, "text/html") == lesson_mail("").html);
  BOOST_TEST(testing::part_text(m, "text/calendar") == invite_text);
  BOOST_TEST(testing::part_text(m, "application/ics") == invite_text);
  bool alternative = false, method = false, attachment = false;
  for (const auto& part : m.at("parts").as_array()) {
    const auto& p = part.as_object();
    if (const auto* multipart = p.if_contains("multipart")) alternative |= multipart->as_string() == "multipart/alternative";
    if (p.contains("method")) method |= p.at("method").as_string() == "REQUEST";
    if (p.contains("filename")) attachment |= p.at("filename").as_string() == "invite.ics";
  }
  BOOST_TEST(alternative);
  BOOST_TEST(method, "the text/calendar part names its method, so mail programs show accept buttons");
  BOOST_TEST(attachment);
  BOOST_TEST(testing::read_invite(testing::part_text(m, "text/calendar")).at("uid").as_string() == "b-1@tutorbot");
}

BOOST_AUTO_TEST_CASE(a_mail_to_a_student_and_the_parent_who_booked_reaches_both_as_one_message) {
  testing::smtp_sink sink;
  auto m = lesson_mail("sanne@example.nl");
  m.to.push_back({"Ouder van Sanne", "ouder@example.nl"});
  const auto outcome = mail::send_mail({sink.url(), "", "", 20s}, m);
  BOOST_TEST_REQUIRE((outcome.verdict == mail::smtp_verdict::sent), outcome.detail);
  const auto mails = sink.wait_for(1, 10s);
  BOOST_REQUIRE_EQUAL(mails.size(), 1u);
  BOOST_TEST(mails[0].at("to").as_string() == "Sanne de Boer <sanne@example.nl>, Ouder van Sanne <ouder@example.nl>");
  BOOST_TEST(mails[0].at("envelope_to").as_string() == "sanne@example.nl, ouder@example.nl");
}

BOOST_AUTO_TEST_CASE(a_line_break_never_starts_a_header_of_its_own) {
  testing::smtp_sink sink;
  auto injected = lesson_mail("sanne@example.nl\r\nBcc: evil@example.nl");
  const auto refused = mail::send_mail({sink.url(), "", "", 20s}, injected);
  BOOST_TEST((refused.verdict == mail::smtp_verdict::refused), refused.detail);
  auto named = lesson_mail("sanne@example.nl");
  named.to[0].name = "Sanne\r\nBcc: evil@example.nl";
  const auto sent = mail::send_mail({sink.url(), "", "", 20s}, named);
  BOOST_TEST_REQUIRE((sent.verdict == mail::smtp_verdict::sent), sent.detail);
  const auto mails = sink.wait_for(1, 10s);
  BOOST_REQUIRE_EQUAL(mails.size(), 1u);
  BOOST_TEST(mails[0].at("envelope_to").as_string() == "sanne@example.nl");
  BOOST_TEST(mails[0].at("to").as_string() == "\"Sanne  Bcc: evil@example.nl\" <sanne@example.nl>");
}

BOOST_AUTO_TEST_CASE(a_5xx_refusal_is_final_and_a_4xx_one_is_worth_another_attempt) {
  testing::smtp_sink sink;
  const auto refused = mail::send_mail({sink.url(), "", "", 20s}, lesson_mail("refused-sanne@example.nl"));
  BOOST_TEST((refused.verdict == mail::smtp_verdict::refused), refused.detail);
  BOOST_TEST(refused.detail.find("550") != std::string::npos, refused.detail);
  const auto later = mail::send_mail({sink.url(), "", "", 20s}, lesson_mail("later-sanne@example.nl"));
  BOOST_TEST((later.verdict == mail::smtp_verdict::try_again), later.detail);
  BOOST_TEST(sink.mails().empty());
}

BOOST_AUTO_TEST_CASE(no_server_is_worth_another_attempt) {
  const auto port = testing::free_port();  // nothing listens on it
  const auto outcome = mail::send_mail({"smtp://127.0.0.1:" + std::to_string(port), "", "", 5s}, lesson_mail("sanne@example.nl"));
  BOOST_TEST((outcome.verdict == mail::smtp_verdict::try_again), outcome.detail);
}

BOOST_AUTO_TEST_CASE(a_password_never_crosses_a_server_without_starttls) {
  testing::smtp_sink sink;  // offers no STARTTLS
  const auto outcome = mail::send_mail({sink.url(), "school", "secret", 20s}, lesson_mail("sanne@example.nl"));
  BOOST_TEST((outcome.verdict != mail::smtp_verdict::sent), outcome.detail);
  BOOST_TEST(sink.mails().empty());
}

BOOST_AUTO_TEST_CASE(header_words_are_encoded_only_when_they_need_it) {
  BOOST_TEST(mail::encoded_header_word("Je les staat vast") == "Je les staat vast");
  BOOST_TEST(mail::encoded_header_word("Één les") == "=?UTF-8?B?w4nDqW4gbGVz?=");
  // Long text becomes several words, none over 75 characters, none splitting a character.
  const auto long_word = mail::encoded_header_word(std::string(40, 'a') + "ééééééé");
  BOOST_TEST(long_word.find(' ') != std::string::npos);
  for (std::size_t at = 0, end; at < long_word.size(); at = end + 1) {
    end = long_word.find(' ', at);
    if (end == std::string::npos) end = long_word.size();
    BOOST_TEST(end - at <= 75u);
  }
}

BOOST_AUTO_TEST_SUITE_END()
