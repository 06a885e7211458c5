// The whole journey through real components: a student writes on (sandbox) WhatsApp via
// Chatwoot; tutorbot answers, holds a slot from the tutors' calendars, sends a Stripe
// Checkout link; the payment webhook confirms the booking; Google gets the event; the
// student gets the confirmation, and the conversation carries the labels.
#include <boost/test/unit_test.hpp>

#include "tests/integration/api/chat_service.hpp"
#include "tests/support/dates.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
using testing::chat_service;

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
  // A day a few days ahead: its first time cannot pass the notice period while the test runs.
  times = s.say(conversation, testing::working_day_typed(3), "Deze tijden zijn vrij");
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
  BOOST_TEST(s.has_label(conversation, "booked"));
  BOOST_TEST(s.has_label(conversation, "paid"));
  BOOST_TEST(s.payments.scalar("SELECT count(*) FROM bookings WHERE status = 'confirmed' AND paid_with = 'stripe'") == 1);
  BOOST_TEST(s.payments.scalar("SELECT count(*) FROM orders WHERE status = 'paid' AND conversation_id IS NOT NULL") == 1);
  // Any tutor's: the first free time can be Joost's or Sanne's at some hours of the day.
  BOOST_TEST(testing::eventually([&] { return s.google_event_count() == 1; }, 20s));
}

BOOST_AUTO_TEST_SUITE_END()
