// The bot promises only what tutorbot does. Reminders depend on the configuration and on how
// far ahead a lesson was booked, and e-mail on mail being on: no sentence a student reads in
// the chat may promise one, except the mail notes that the dialogue adds only with mail on
// (dialogue_test checks when). The invite's, the e-mails' and the reminder's own texts, and
// the staff notes about them, are what is sent, not promises.
#include <boost/test/unit_test.hpp>

#include <string>

#include "domain/texts.hpp"

using namespace tutorbot::domain;

namespace {

bool is_sent_text(msg id) {
  return (id >= msg::mail_note_invite && id <= msg::mail_note_cancel) ||
         (id >= msg::invite_summary && id <= msg::invite_description) ||
         (id >= msg::mail_confirmed_subject && id <= msg::reminder_whatsapp) || id == msg::note_mail_refused ||
         id == msg::note_reminder_failed;
}

bool is_typed_words(msg id) { return id >= msg::words_menu; }

}  // namespace

BOOST_AUTO_TEST_SUITE(promises)

BOOST_AUTO_TEST_CASE(no_sentence_promises_an_invite_a_reminder_or_an_email_that_nothing_sends) {
  const char* promises[] = {"uitnodiging", "herinnering", "bevestiging per", "invite", "reminder", "confirmation email"};
  for (language lang : {language::nl, language::en}) {
    for (std::size_t i = 0; i < msg_count; ++i) {
      const auto id = static_cast<msg>(i);
      if (is_sent_text(id) || is_typed_words(id)) continue;
      const std::string text{text_template(lang, id)};
      for (const char* promise : promises)
        BOOST_TEST(text.find(promise) == std::string::npos,
                   to_string(lang) << " message " << i << " promises \"" << promise << "\": " << text);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
