#include "domain/dialogue.hpp"

#include <algorithm>

#include "domain/dialogue_machine.hpp"
#include "domain/whatsapp_text.hpp"

namespace tutorbot::domain {

namespace detail {

namespace {
constexpr int misses_before_person = 3;
}  // namespace

void machine::ask(std::string text, std::vector<std::string> options) {
  s.last_prompt = prompt{text, options};
  out.emplace_back(send_text{std::move(text), std::move(options)});
}

void machine::reprompt_with(msg prefix) {
  std::string text = t(prefix);
  if (!s.last_prompt.text.empty()) text += "\n\n" + s.last_prompt.text;
  out.emplace_back(send_text{std::move(text), s.last_prompt.options});
}

std::optional<std::size_t> machine::choice(const std::vector<std::string>& options,
                                           std::string_view text) {
  if (options.empty()) return std::nullopt;
  // The prompt only decides the style; the titles a tap sends back do not depend on it.
  return match_reply(make_quick_reply("?", options), text);
}

std::vector<std::string> machine::menu_options() const {
  return {t(msg::menu_trial), t(msg::menu_book), t(msg::menu_my_lessons), t(msg::menu_prices),
          t(msg::menu_human)};
}

void machine::reset_draft() {
  const auto keep_lang = s.lang;
  const auto keep_chosen = s.language_chosen;
  const auto keep_intake = s.intake;
  const auto keep_misses = s.misses;
  s = dialogue_state{};
  s.lang = keep_lang;
  s.language_chosen = keep_chosen;
  s.intake = keep_intake;
  s.misses = keep_misses;
}

void machine::leave_hold() {
  // Once paid, paid from credit or booked as a trial, the hold is no longer ours to release.
  const bool ours = s.phase != dialogue_phase::awaiting_confirmation;
  if (ours && s.hold) out.emplace_back(release_hold{*s.hold});
  if (ours && s.series) out.emplace_back(release_series{*s.series});
  if (ours && (s.hold || s.series) &&
      (s.phase == dialogue_phase::awaiting_link || s.phase == dialogue_phase::awaiting_payment ||
       s.phase == dialogue_phase::payment_failed))
    out.emplace_back(remove_labels{{std::string{labels::awaiting_payment},
                                    std::string{labels::payment_failed}}});
  s.hold.reset();
  s.series.reset();
}

void machine::show_menu(bool greet, std::string prefix) {
  leave_hold();
  reset_draft();
  std::string text = std::move(prefix);
  if (!text.empty()) text += "\n\n";
  if (greet) {
    std::string first_name;
    if (ctx.contact.name) {
      const std::string& n = *ctx.contact.name;
      first_name = trimmed(std::string_view{n}.substr(0, n.find(' ')));
    }
    text += first_name.empty() ? t(msg::greeting)
                               : t(msg::greeting_named, {{"name", neutralize(first_name)}});
  } else {
    text += t(msg::menu_prompt);
  }
  s.phase = dialogue_phase::menu;
  ask(std::move(text), menu_options());
  s.last_prompt.text = t(msg::menu_prompt);  // re-prompts without the greeting or the news
}

void machine::handoff(std::string_view reason) {
  hand_to_staff(reason);
  say(t(msg::handoff));
}

void machine::hand_to_staff(std::string_view reason) {
  leave_hold();
  reset_draft();
  s.misses = 0;
  out.emplace_back(hand_off{std::string{reason}});
  out.emplace_back(add_labels{{std::string{labels::handoff}}});
  s.phase = dialogue_phase::handoff;
}

void machine::miss() {
  if (++s.misses >= misses_before_person) {
    s.misses = 0;
    // The question becomes "a person, or the menu?": its options must be what "1" and
    // "2" choose now. A hold in progress is released when the student picks either.
    s.phase = dialogue_phase::human_or_menu;
    ask(t(msg::not_understood) + "\n\n" + t(msg::offer_human), {t(msg::menu_human), t(msg::opt_menu)});
    s.last_prompt.text = t(msg::offer_human);
    return;
  }
  reprompt_with(msg::not_understood);
}

// Asks the current question again in the current language (after a language switch).
void machine::reenter() {
  switch (s.phase) {
    case dialogue_phase::intake_confirm: show_intake_confirm(); return;
    case dialogue_phase::intake_ask: if (s.asking) ask_field(*s.asking); return;
    case dialogue_phase::choose_duration: ask_duration(); return;
    case dialogue_phase::choose_tutor: ask_tutor(); return;
    case dialogue_phase::choose_slot: show_slots(); return;
    case dialogue_phase::my_lessons: show_my_lessons(); return;
    case dialogue_phase::prices: show_prices(); return;
    case dialogue_phase::idle:
    case dialogue_phase::menu: show_menu(false); return;
    case dialogue_phase::human_or_menu:
      ask(t(msg::offer_human), {t(msg::menu_human), t(msg::opt_menu)});
      return;
    default:
      if (!s.last_prompt.text.empty()) out.emplace_back(send_text{s.last_prompt.text, s.last_prompt.options});
  }
}

bool machine::global_words(const std::string& folded) {
  // A typed answer to "which subject?" may well be "Engels" or "Nederlands".
  const bool free_text = s.phase == dialogue_phase::intake_ask && s.asking != intake_field::writer;
  if (!free_text && (is_word(msg::words_english, folded) || is_word(msg::words_dutch, folded))) {
    const language wanted = is_word(msg::words_english, folded) ? language::en : language::nl;
    s.lang = wanted;
    s.language_chosen = true;
    say(t(msg::language_switched));
    reenter();
    return true;
  }
  if (is_word(msg::words_menu, folded)) {
    show_menu(s.phase == dialogue_phase::idle);
    return true;
  }
  if (is_word(msg::words_stop, folded)) {
    leave_hold();
    reset_draft();
    s.phase = dialogue_phase::idle;
    say(t(msg::stopped));
    return true;
  }
  if (is_word(msg::words_help, folded)) {
    say(t(msg::help));
    if (s.phase == dialogue_phase::idle) show_menu(false);
    else if (!s.last_prompt.text.empty()) out.emplace_back(send_text{s.last_prompt.text, s.last_prompt.options});
    return true;
  }
  if (is_word(msg::words_human, folded)) {
    handoff("student_request");
    return true;
  }
  return false;
}

void machine::on_text(const std::string& text) {
  if (s.phase == dialogue_phase::handoff) return;  // staff has the conversation
  const std::string folded = fold_for_matching(text);
  // Paid (or credit used, trial booked) or cancelling: the outcome is seconds away and
  // must reach the student, so only a person may interrupt.
  if ((s.phase == dialogue_phase::awaiting_confirmation || s.phase == dialogue_phase::awaiting_cancel) &&
      !is_word(msg::words_human, folded)) {
    say(t(msg::please_wait));
    return;
  }
  if (global_words(folded)) {
    s.misses = 0;
    return;
  }
  if (s.phase == dialogue_phase::idle) {
    show_menu(true);
    return;
  }
  switch (s.phase) {  // the world has not answered yet: nothing to choose from
    case dialogue_phase::awaiting_slots:
    case dialogue_phase::awaiting_hold:
    case dialogue_phase::awaiting_series:
    case dialogue_phase::awaiting_link:
    case dialogue_phase::awaiting_confirmation:
    case dialogue_phase::awaiting_cancel:
      say(t(msg::please_wait));
      return;
    default: break;
  }
  if (on_phase_text(text, folded)) {
    s.misses = 0;
    return;
  }
  if (s.phase == dialogue_phase::awaiting_payment) {
    // Paying happens in the browser: repeat the link, never steer away from it.
    reprompt_with(msg::not_understood);
    return;
  }
  miss();
}

// What a typed answer means in the phase the dialogue is in; false: nothing it knows.
bool machine::on_phase_text(const std::string& text, const std::string& folded) {
  switch (s.phase) {
    case dialogue_phase::menu:
      return on_menu_text(text);
    case dialogue_phase::human_or_menu:
      return on_human_or_menu_text(text);
    case dialogue_phase::intake_confirm:
    case dialogue_phase::intake_pick:
    case dialogue_phase::intake_ask:
      return on_intake_text(text, folded);
    case dialogue_phase::choose_duration:
      return on_duration_text(text, folded);
    case dialogue_phase::choose_tutor:
      return on_tutor_text(text, folded);
    case dialogue_phase::choose_slot:
      return on_slot_text(text, folded);
    case dialogue_phase::choose_rhythm:
    case dialogue_phase::series_length:
    case dialogue_phase::series_plan:
      return on_series_text(text);
    case dialogue_phase::choose_payment:
    case dialogue_phase::payment_failed:
    case dialogue_phase::payment_expired:
    case dialogue_phase::package_paid:
      return on_payment_text(text);
    case dialogue_phase::my_lessons:
    case dialogue_phase::lesson_actions:
    case dialogue_phase::series_actions:
    case dialogue_phase::series_pick:
    case dialogue_phase::confirm_cancel_rest:
    case dialogue_phase::confirm_cancel:
    case dialogue_phase::prices:
      return on_lessons_text(text, folded);
    default:
      return false;
  }
}

// The menu, and "a person or the menu?".
bool machine::on_menu_text(const std::string& text) {
  const auto i = choice(menu_options(), text);
  if (!i) return false;
  switch (*i) {
    case 0: start_trial(); break;
    case 1: start_booking(); break;
    case 2: show_my_lessons(); break;
    case 3: show_prices(); break;
    default: handoff("student_request"); break;
  }
  return true;
}

// After a miss too many: a person, or the menu.
bool machine::on_human_or_menu_text(const std::string& text) {
  const auto i = choice({t(msg::menu_human), t(msg::opt_menu)}, text);
  if (!i) return false;
  if (*i == 0) handoff("student_request");
  else show_menu(false);
  return true;
}

}  // namespace detail

// ---- step ------------------------------------------------------------------------------------

step_result step(const dialogue_state& state, const dialogue_event& event,
                 const dialogue_context& context) {
  detail::machine m{state, context, {}};
  if (!m.s.language_chosen) {
    const auto from_locale = context.contact.locale ? parse_language(*context.contact.locale) : std::nullopt;
    m.s.lang = from_locale.value_or(language::nl);
  }
  std::visit(
      [&m](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, text_received>) {
          if (!e.attachment.empty())
            m.out.emplace_back(private_note{render_text(language::nl, msg::note_attachment_with_text,
                                                        {{"kind", valid_utf8(e.attachment)}})});
          m.on_text(valid_utf8(e.text));
        }
        else if constexpr (std::is_same_v<E, unsupported_received>) {
          if (m.s.phase != dialogue_phase::handoff) m.reprompt_with(msg::unsupported);
        } else if constexpr (std::is_same_v<E, slots_found>) m.on_slots(e);
        else if constexpr (std::is_same_v<E, no_slots>) m.on_no_slots();
        else if constexpr (std::is_same_v<E, hold_placed>) m.on_hold(e);
        else if constexpr (std::is_same_v<E, slot_taken>) m.on_slot_taken();
        else if constexpr (std::is_same_v<E, payment_link_ready>) m.on_link(e);
        else if constexpr (std::is_same_v<E, payment_succeeded>) m.on_paid();
        else if constexpr (std::is_same_v<E, payment_failed>) m.on_payment_failed();
        else if constexpr (std::is_same_v<E, payment_expired>) m.on_payment_expired();
        else if constexpr (std::is_same_v<E, booking_confirmed>) m.on_confirmed(e);
        else if constexpr (std::is_same_v<E, series_held>) m.on_series_held(e);
        else if constexpr (std::is_same_v<E, series_not_held>) m.on_series_not_held(e);
        else if constexpr (std::is_same_v<E, refund_done>) m.on_refund(e);
        else if constexpr (std::is_same_v<E, booking_cancelled>) m.on_cancelled(e);
        else if constexpr (std::is_same_v<E, series_cancelled>) m.on_series_cancelled(e);
        else if constexpr (std::is_same_v<E, handoff_ended>) {
          if (m.s.phase == dialogue_phase::handoff) {
            m.out.emplace_back(remove_labels{{std::string{labels::handoff}}});
            m.s.phase = dialogue_phase::menu;
            m.s.misses = 0;
            m.ask(m.t(msg::handoff_back), m.menu_options());
          }
        } else if constexpr (std::is_same_v<E, processing_failed>) {
          m.out.emplace_back(private_note{render_text(language::nl, msg::note_processing_failed, {{"error", e.error}})});
          if (m.s.phase == dialogue_phase::handoff) return;  // staff has the conversation already
          m.say(m.t(msg::processing_failed));
          m.handoff("processing_failed");
        } else if constexpr (std::is_same_v<E, message_refused>) {
          if (!e.was_template && refused_outside_window(e.error)) {
            m.out.emplace_back(send_template{e.content});
            return;
          }
          m.out.emplace_back(private_note{render_text(
              language::nl, msg::note_delivery_failed, {{"error", valid_utf8(e.error)}, {"content", valid_utf8(e.content)}})});
          m.out.emplace_back(add_labels{{std::string{labels::delivery_failed}}});
          // Whatever the bot asked cannot be answered, and telling the student would be
          // refused as well: staff take over without a word from the bot.
          if (m.s.phase != dialogue_phase::handoff) m.hand_to_staff("delivery_failed");
        } else if constexpr (std::is_same_v<E, idle_timeout>) {
          switch (m.s.phase) {
            case dialogue_phase::idle:
            case dialogue_phase::menu:
            case dialogue_phase::handoff:
            // Waiting for money or a provider: the hold's own expiry decides.
            case dialogue_phase::awaiting_link:
            case dialogue_phase::awaiting_payment:
            case dialogue_phase::awaiting_confirmation:
            case dialogue_phase::awaiting_cancel:
              return;
            default: break;
          }
          const bool had_hold = m.s.hold.has_value() || m.s.series.has_value();
          m.leave_hold();
          m.reset_draft();
          m.s.phase = dialogue_phase::idle;
          m.say(m.t(had_hold ? msg::idle_released : msg::idle));
        }
      },
      event);
  return {std::move(m.s), std::move(m.out)};
}

// ---- names -----------------------------------------------------------------------------------

namespace {
constexpr std::string_view phase_names[] = {
    "idle", "menu", "intake_confirm", "intake_pick", "intake_ask", "choose_duration",
    "choose_tutor", "awaiting_slots", "choose_slot", "choose_rhythm", "series_length",
    "awaiting_series", "series_plan", "awaiting_hold", "choose_payment",
    "awaiting_link", "awaiting_payment", "payment_failed", "payment_expired",
    "awaiting_confirmation", "prices", "package_paid", "my_lessons", "lesson_actions",
    "series_actions", "series_pick", "confirm_cancel_rest", "confirm_cancel", "awaiting_cancel",
    "human_or_menu", "handoff"};
constexpr std::string_view flow_names[] = {"none", "trial", "lesson", "package", "reschedule"};
constexpr std::string_view field_names[] = {"student_name", "writer", "level",        "subject",
                                            "goals",        "email",  "student_email"};
static_assert(std::size(field_names) == intake_field_count);

template <class E, std::size_t N>
std::optional<E> parse_name(const std::string_view (&names)[N], std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}
static_assert(std::size(phase_names) == static_cast<std::size_t>(dialogue_phase::handoff) + 1);
}  // namespace

std::string_view to_string(dialogue_phase p) { return phase_names[static_cast<std::size_t>(p)]; }
std::optional<dialogue_phase> parse_dialogue_phase(std::string_view s) { return parse_name<dialogue_phase>(phase_names, s); }
std::string_view to_string(dialogue_flow f) { return flow_names[static_cast<std::size_t>(f)]; }
std::optional<dialogue_flow> parse_dialogue_flow(std::string_view s) { return parse_name<dialogue_flow>(flow_names, s); }
std::string_view to_string(intake_field f) { return field_names[static_cast<std::size_t>(f)]; }
std::optional<intake_field> parse_intake_field(std::string_view s) { return parse_name<intake_field>(field_names, s); }

}  // namespace tutorbot::domain
