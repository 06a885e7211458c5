// The bot promises only what tutorbot does. Nothing sends e-mail, invites or reminders to
// students yet, so no sentence a student reads may promise one (the invite's own texts are
// what a calendar shows, not a promise).
#include <boost/test/unit_test.hpp>

#include <string>

#include "domain/texts.hpp"

using namespace tutorbot::domain;

namespace {

bool is_invite_text(msg id) {
  return id == msg::invite_summary || id == msg::invite_summary_no_subject || id == msg::invite_description;
}

bool is_typed_words(msg id) { return id >= msg::words_menu; }

}  // namespace

BOOST_AUTO_TEST_SUITE(promises)

BOOST_AUTO_TEST_CASE(no_sentence_promises_an_invite_a_reminder_or_an_email_that_nothing_sends) {
  const char* promises[] = {"uitnodiging", "herinnering", "bevestiging per", "invite", "reminder", "confirmation email"};
  for (language lang : {language::nl, language::en}) {
    for (std::size_t i = 0; i < msg_count; ++i) {
      const auto id = static_cast<msg>(i);
      if (is_invite_text(id) || is_typed_words(id)) continue;
      const std::string text{text_template(lang, id)};
      for (const char* promise : promises)
        BOOST_TEST(text.find(promise) == std::string::npos,
                   to_string(lang) << " message " << i << " promises \"" << promise << "\": " << text);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
