#include <boost/test/unit_test.hpp>

#include "app/chat_mail.hpp"
#include "mail/header_words.hpp"

using namespace tutorbot::app::chat;

BOOST_AUTO_TEST_SUITE(chat_mail)

BOOST_AUTO_TEST_CASE(a_stored_mail_shows_its_recipient_its_decoded_subject_and_its_invite) {
  const std::string subject = "Je les staat vast: woensdag 24 maart 2027 om 16:00 — één les";
  const std::string stored = "X-Peer: ('127.0.0.1', 40000)\r\nTo: Sanne <sanne@example.nl>\r\nSubject: " +
                             tutorbot::mail::encoded_header_word(subject) +
                             "\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
                             "Content-Disposition: attachment; filename=\"invite.ics\"\r\n\r\nBEGIN:VCALENDAR\r\n--x--\r\n";
  const auto summary = summarize_mail(stored);
  BOOST_REQUIRE(summary);
  BOOST_TEST(summary->to == "sanne@example.nl");
  BOOST_TEST(summary->subject == subject);
  BOOST_TEST(summary->has_invite);
}

BOOST_AUTO_TEST_CASE(a_mail_to_the_student_and_the_parent_shows_both_addresses) {
  const auto summary =
      summarize_mail("To: Sanne <sanne@example.nl>, Ouder van Sanne <ouder@example.nl>\r\nSubject: Les\r\n\r\nbody");
  BOOST_REQUIRE(summary);
  BOOST_TEST(summary->to == "sanne@example.nl, ouder@example.nl");
}

BOOST_AUTO_TEST_CASE(folded_and_q_encoded_words_are_decoded_and_plain_text_kept) {
  BOOST_TEST(tutorbot::mail::decode_header_words("=?UTF-8?Q?Caf=C3=A9_open?= today") == "Café open today");
  BOOST_TEST(tutorbot::mail::decode_header_words("=?UTF-8?B?w4k=?= =?UTF-8?B?w6k=?=") == "Éé");
  BOOST_TEST(tutorbot::mail::decode_header_words("plain subject") == "plain subject");
  const auto summary = summarize_mail("Subject: folded\r\n  subject\r\nTo: a@b.nl\r\n\r\nbody");
  BOOST_REQUIRE(summary);
  BOOST_TEST(summary->subject == "folded  subject");
  BOOST_TEST(!summary->has_invite);
  BOOST_TEST(!summarize_mail("no headers here"));
}

BOOST_AUTO_TEST_SUITE_END()
