// The whole journey through real components: a student writes on (sandbox) WhatsApp via
// Chatwoot; tutorbot answers, holds a slot from the tutors' calendars, sends a Stripe
// Checkout link; the payment webhook confirms the booking; Google gets the event; the
// student gets the confirmation, and the conversation carries the labels.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/integration/api/payment_service.hpp"
#include "tests/support/chatwoot/sandbox_server.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

struct chat_service {
  explicit chat_service(const std::string& purpose)
      : chatwoot(testing::chatwoot_sandbox_server::test_options()),
        payments(purpose, [this](config::config& cfg) {
          auto& c = cfg.service.providers.chatwoot;
          c.enabled = true;
          c.base_url = chatwoot.base_url();
          c.account_id = static_cast<int>(testing::chatwoot_test_account);
          c.api_token = config::secret(testing::chatwoot_test_bot_token);
          c.user_token = config::secret(testing::chatwoot_test_user_token);
          c.webhook_token = config::secret(testing::chatwoot_test_webhook_token);
          c.signing_secret = config::secret(testing::chatwoot_test_signing_secret);
        }) {
    chatwoot.sandbox().set_webhook_endpoint(
        "http://127.0.0.1:" + std::to_string(payments.port()) + "/webhooks/chatwoot",
        testing::chatwoot_test_webhook_token, testing::chatwoot_test_signing_secret);
  }

  sandbox::chatwoot::transcript transcript(std::int64_t conversation) {
    return *chatwoot.sandbox().transcript(conversation);
  }

  std::vector<sandbox::chatwoot::transcript_line> bot_lines(std::int64_t conversation) {
    std::vector<sandbox::chatwoot::transcript_line> out;
    for (const auto& line : transcript(conversation).messages)
      if (line.from == "bot") out.push_back(line);
    return out;
  }

  // The student writes; answers the bot's replies to it, once they stopped coming.
  std::vector<sandbox::chatwoot::transcript_line> say(std::int64_t conversation, const std::string& text,
                                                      const std::string& expect_in_reply) {
    auto before = bot_lines(conversation).size();
    BOOST_REQUIRE(chatwoot.sandbox().student_writes(conversation, text));
    std::vector<sandbox::chatwoot::transcript_line> replies;
    auto arrived = testing::eventually(
        [&] {
          auto lines = bot_lines(conversation);
          replies.assign(lines.begin() + static_cast<std::ptrdiff_t>(std::min(before, lines.size())), lines.end());
          for (const auto& r : replies)
            if (r.content.find(expect_in_reply) != std::string::npos) return true;
          return false;
        },
        20s);
    std::string seen;
    for (const auto& r : replies) seen += "\n  bot: " + r.content;
    BOOST_REQUIRE_MESSAGE(arrived, "after \"" << text << "\" no reply containing \"" << expect_in_reply
                                               << "\"; replies:" << seen);
    return replies;
  }

  testing::chatwoot_sandbox_server chatwoot;
  testing::payment_service payments;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(conversation_journey)

BOOST_AUTO_TEST_CASE(a_student_books_and_pays_a_lesson_over_whatsapp) {
  chat_service s("journey_book");
  auto opened = s.chatwoot.sandbox().open_conversation("+31612345678", "Sanne de Vries", "sanne@example.nl");
  auto conversation = opened.conversation_id;

  auto menu = s.say(conversation, "Hoi", "Waarmee kan ik je helpen");
  BOOST_TEST(menu.back().options.size() == 5u);
  s.say(conversation, "Les boeken", "Dit heb ik al van je");
  s.say(conversation, "ja", "leerling of als ouder");
  s.say(conversation, "Leerling", "niveau");
  s.say(conversation, "havo 4", "vak");
  s.say(conversation, "Wiskunde B", "bereiken");
  s.say(conversation, "Een voldoende", "Hoe lang");
  s.say(conversation, "1", "Bij wie");
  auto times = s.say(conversation, "Maakt niet uit", "Deze tijden zijn vrij");
  BOOST_TEST(times.back().options.size() >= 2u);
  auto link = s.say(conversation, "1", "checkout");
  std::string url;
  for (const auto& line : link)
    if (auto at = line.content.find("http"); at != std::string::npos)
      url = line.content.substr(at, line.content.find_first_of(" \n", at) - at);
  BOOST_REQUIRE_MESSAGE(!url.empty(), "no payment link in the replies");
  auto session = url.substr(url.rfind('/') + 1);

  BOOST_REQUIRE(s.payments.stripe_http.press(session, "pay").status == 200);
  BOOST_TEST(testing::eventually(
      [&] {
        for (const auto& line : s.bot_lines(conversation))
          if (line.content.find("Je les staat vast") != std::string::npos) return true;
        return false;
      },
      30s));
  auto t = s.transcript(conversation);
  BOOST_TEST((std::find(t.labels.begin(), t.labels.end(), "booked") != t.labels.end()));
  BOOST_TEST((std::find(t.labels.begin(), t.labels.end(), "paid") != t.labels.end()));
  BOOST_TEST(s.payments.scalar("SELECT count(*) FROM bookings WHERE status = 'confirmed' AND paid_with = 'stripe'") == 1);
  BOOST_TEST(s.payments.scalar("SELECT count(*) FROM orders WHERE status = 'paid' AND conversation_id IS NOT NULL") == 1);
  BOOST_TEST(testing::eventually(
      [&] {
        long events = 0;
        for (const auto& calendar : {"anouk@bijlesschool-example.nl", "daan@bijlesschool-example.nl"})
          events += static_cast<long>(s.payments.service.google.sandbox().event_ids(calendar).size());
        return events == 1;
      },
      20s));
}

BOOST_AUTO_TEST_SUITE_END()
