// The dialogue as a student and the world can drive it: each input line is the student's
// text, or, after '!', an answer from the world (slots found, a hold placed, a payment, …);
// a first line "@N" moves the clock N hours past a Monday morning, across both DST changes
// and the year's end. Whatever comes, step never throws, the state's JSON round trip is
// exact, and every message fits WhatsApp: a text in parts of at most 4,096 characters, a
// question with options as buttons or a list within their limits, or numbered text that
// is sent as one message and so must fit 4,096 too.
#include <charconv>
#include <chrono>

#include "domain/dialogue.hpp"
#include "domain/dialogue_state_json.hpp"
#include "domain/whatsapp_text.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "tests/unit/domain/dialogue_fixtures.hpp"

using namespace tutorbot;
using namespace tutorbot::domain;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_seconds;

namespace {

// WhatsApp delivers at most 4,096 characters of one message.
constexpr std::size_t incoming_limit = 4096;

int lesson_minutes(const dialogue_state& s) { return s.duration_minutes > 0 ? s.duration_minutes : 60; }

offered_slot slot_on(sys_seconds now, int day, int minutes_long, const char* tutor) {
  const auto start = std::chrono::floor<std::chrono::days>(now) + std::chrono::days{day} + hours{14};
  return {tutor_id{tutor}, {start, start + minutes{minutes_long}}};
}

offered_slot the_chosen(const dialogue_state& s, sys_seconds now) {
  if (s.chosen) return *s.chosen;
  if (!s.offered.empty()) return s.offered.front();
  return slot_on(now, 2, lesson_minutes(s), "anouk");
}

// The world's answers, named as in the golden transcripts.
std::optional<dialogue_event> world_event(std::string_view name, const dialogue_state& s, sys_seconds now) {
  const auto hold = s.hold.value_or(booking_id{"b-fuzz"});
  if (name == "slots_found")
    return slots_found{{slot_on(now, 1, lesson_minutes(s), "anouk"), slot_on(now, 2, lesson_minutes(s), "daan"),
                        slot_on(now, 8, lesson_minutes(s), "anouk")}};
  if (name == "no_slots") return no_slots{};
  if (name == "hold_placed") return hold_placed{booking_id{"b-new"}, now + minutes{20}, the_chosen(s, now)};
  if (name == "slot_taken") return slot_taken{};
  if (name == "payment_link_ready")
    return payment_link_ready{"https://checkout.stripe.com/c/pay/cs_test_fuzz", now + minutes{30}};
  if (name == "payment_succeeded") return payment_succeeded{};
  if (name == "payment_failed") return payment_failed{};
  if (name == "payment_expired") return payment_expired{};
  if (name == "booking_confirmed") return booking_confirmed{hold, the_chosen(s, now)};
  if (name == "refund_done") return refund_done{s.refund_amount};
  if (name == "booking_cancelled") return booking_cancelled{s.selected.value_or(booking_id{"b-upcoming"})};
  if (name == "handoff_ended") return handoff_ended{};
  if (name == "idle_timeout") return idle_timeout{};
  if (name == "processing_failed") return processing_failed{"fuzz"};
  if (name.starts_with("unsupported")) return unsupported_received{"image"};
  if (name.starts_with("photo:")) return text_received{std::string(name.substr(6)), "image"};
  if (name.starts_with("refused:")) return message_refused{s.last_prompt.text, std::string(name.substr(8)), false};
  if (name.starts_with("template_refused:"))
    return message_refused{s.last_prompt.text, std::string(name.substr(17)), true};
  return std::nullopt;
}

void check_fits_whatsapp(const send_text& message) {
  if (message.options.empty()) {
    for (const auto& part : split_message(message.text))
      fuzz::check(count_code_points(part) <= whatsapp_text_limit, "a text part fits 4,096", part);
    return;
  }
  const auto reply = make_quick_reply(message.text, message.options);
  switch (reply.style) {
    case reply_style::buttons:
      fuzz::check(reply.titles.size() <= whatsapp_max_buttons, "at most 3 buttons", message.text);
      for (const auto& t : reply.titles)
        fuzz::check(count_code_points(t) <= whatsapp_button_title_limit, "a button title fits 20", t);
      break;
    case reply_style::list:
      fuzz::check(reply.titles.size() <= whatsapp_max_list_rows, "at most 10 list rows", message.text);
      for (const auto& t : reply.titles)
        fuzz::check(count_code_points(t) <= whatsapp_list_title_limit, "a list row title fits 24", t);
      break;
    case reply_style::numbered_text:
      break;
  }
  if (reply.style != reply_style::numbered_text)
    fuzz::check(count_code_points(message.text) <= whatsapp_interactive_body_limit, "an interactive body fits 1,024",
                message.text);
  else
    fuzz::check(count_code_points(reply.numbered_text) <= whatsapp_text_limit, "a numbered question fits 4,096",
                reply.numbered_text);
}

dialogue_context context_at(sys_seconds now) {
  auto c = test::sample_context(now);
  c.credits = 2;
  c.contact.name = "Fuzz Student";
  c.upcoming.push_back({booking_id{"b-upcoming"}, tutor_id{"anouk"}, now + std::chrono::days{8} + hours{5},
                        now + std::chrono::days{8} + hours{6}, "lesson-60", cents{4500}, false, ""});
  // A weekly series of two, and series offered after a time is picked.
  for (int week = 0; week < 2; ++week)
    c.upcoming.push_back({booking_id{"b-series-" + std::to_string(week)}, tutor_id{"daan"},
                          now + std::chrono::days{9 + 7 * week} + hours{5}, now + std::chrono::days{9 + 7 * week} + hours{6},
                          "lesson-60", cents{4500}, false, "s-upcoming"});
  c.series_max_lessons = 20;
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto lines = fuzz::parts(fuzz::as_text(data, size), '\n');
  auto now = test::utc(2026, 3, 9, 8);  // a Monday
  if (!lines.empty() && lines.front().starts_with('@')) {
    unsigned offset = 0;
    const auto digits = lines.front().substr(1);
    std::from_chars(digits.data(), digits.data() + digits.size(), offset);
    now += hours{offset % (24 * 400)};
    lines.erase(lines.begin());
  }
  const auto context = context_at(now);
  dialogue_state state;
  for (auto line : lines) {
    std::optional<dialogue_event> event;
    if (line.starts_with('!'))
      event = world_event(line.substr(1), state, now);
    else
      event = text_received{std::string(line.substr(0, incoming_limit))};
    if (!event) continue;
    auto result = step(state, *event, context);
    for (const auto& effect : result.effects)
      if (const auto* message = std::get_if<send_text>(&effect)) check_fits_whatsapp(*message);
    const auto written = serialize_dialogue_state(result.state);
    const auto restored = parse_dialogue_state(written);
    const auto* back = std::get_if<dialogue_state>(&restored);
    fuzz::check(back && *back == result.state, "the state's JSON round trip is exact", written);
    state = std::move(result.state);
  }
  return 0;
}
