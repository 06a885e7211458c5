#pragma once
// The steps that many chat journeys share, on a chat_service: texts the student sees, a known
// student's way to the suggestions and the payment link, and a paid lesson a week ahead.
#include <chrono>
#include <initializer_list>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "domain/texts.hpp"
#include "tests/integration/api/chat_service.hpp"
#include "tests/support/dates.hpp"

namespace tutorbot::testing::journeys {

using line = chat_service::line;

inline const std::string menu_text = "Waarmee kan ik je helpen";
inline const std::string suggestions_text = "Deze tijden zijn vrij";
inline const std::string link_text = "Betaal hier met iDEAL of je kaart";
inline const std::string confirmed_text = "Je les staat vast";
// After a paid lesson's time is picked: one lesson, or every week or two.
inline const std::string rhythm_text = "Wil je één les, of elke week";
inline const std::string one_lesson = "Eén les";

inline std::string euros(long long cents) { return domain::format_money(domain::language::nl, domain::cents{cents}); }

inline bool contains(const std::vector<line>& lines, const std::string& text) {
  for (const auto& l : lines)
    if (l.content.find(text) != std::string::npos) return true;
  return false;
}

inline const line& containing(const std::vector<line>& lines, const std::string& text) {
  for (const auto& l : lines)
    if (l.content.find(text) != std::string::npos) return l;
  BOOST_FAIL("no message containing \"" << text << "\" in:" << chat_service::shown(lines));
  return lines.front();  // not reached
}

inline std::string conversation_sql(std::int64_t conversation) { return std::to_string(conversation); }

// With suggestions on the screen, the student types a day a few days ahead: the times of
// that day, which stay the same while the test runs (the first of the suggestions from now
// on passes the notice period every 15 minutes, at some hours while a test picks it).
inline std::vector<line> times_of_a_fixed_day(chat_service& s, std::int64_t conversation,
                                       std::initializer_list<date::weekday> weekdays = {
                                           date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday,
                                           date::Saturday}) {
  auto times = s.say(conversation, testing::working_day_typed(3, weekdays), suggestions_text);
  BOOST_REQUIRE_MESSAGE(!containing(times, suggestions_text).options.empty(), chat_service::shown(times));
  return times;
}

// A known student (the intake is one confirmation) books a 60-minute lesson with any tutor
// up to the suggestions of a fixed day; answers them.
inline std::vector<line> up_to_suggestions(chat_service& s, std::int64_t conversation) {
  s.say(conversation, "Hoi", menu_text);
  s.say(conversation, "Les boeken", "Dit heb ik al van je");
  s.say(conversation, "ja", "Hoe lang moet de les duren?");
  s.say(conversation, "1", "Bij wie wil je les?");
  auto times = s.say(conversation, "Maakt niet uit", suggestions_text);
  BOOST_REQUIRE(!containing(times, suggestions_text).options.empty());
  return times_of_a_fixed_day(s, conversation);
}

// With suggestions on the screen, the student picks `pick` for one lesson: the replies up to
// `expected` (the payment link, or how to pay when there is credit).
inline std::vector<line> pick_one_lesson(chat_service& s, std::int64_t conversation, const std::string& pick = "1",
                                         const std::string& expected = link_text) {
  auto rhythm = s.say(conversation, pick, rhythm_text);
  BOOST_TEST((containing(rhythm, rhythm_text).options == std::vector<std::string>{one_lesson, "Elke week", "Om de week"}));
  return s.say(conversation, one_lesson, expected);
}

// ... and picks the first suggestion: answers the replies up to the payment link.
inline std::vector<line> up_to_payment_link(chat_service& s, std::int64_t conversation) {
  up_to_suggestions(s, conversation);
  return pick_one_lesson(s, conversation);
}

// A paid 60-minute lesson with anouk at least a week ahead, as the chat would have booked
// it for this conversation (the order belongs to the conversation, so it hears what
// becomes of the payment), with its Google event. Booked through the API and Stripe to
// keep the cancel and reschedule journeys short.
struct paid_lesson {
  std::string booking, order;
  long long amount_cents = 0;
};

inline paid_lesson pay_lesson_a_week_ahead(chat_service& s, std::int64_t conversation) {
  paid_lesson p;
  p.booking = s.payments.hold(s.payments.free_start(7), "chatwoot:" + conversation_sql(conversation));
  auto order = s.payments.checkout(p.booking);
  p.order = std::string(order.at("order_id").as_string());
  p.amount_cents = order.at("amount_cents").as_int64();
  auto paid = s.payments.stripe_http.press(std::string(order.at("session_id").as_string()), "pay");
  BOOST_REQUIRE_MESSAGE(paid.status == 200, paid.text);
  s.payments.wait_until([&] { return s.payments.booking_status(p.booking) == "confirmed"; }, "the lesson is paid");
  s.payments.wait_until([&] { return s.events_of_booking(p.booking).size() == 1; }, "the lesson's Google event exists");
  s.exec("UPDATE orders SET conversation_id = " + conversation_sql(conversation) + " WHERE id = '" + p.order + "'");
  return p;
}

inline long long epoch_of(chat_service& s, const std::string& rfc3339) {
  return s.scalar("SELECT extract(epoch FROM '" + rfc3339 + "'::timestamptz)::bigint");
}

}  // namespace tutorbot::testing::journeys
