#pragma once
// Internal to domain/: the step's working object. Its methods are grouped by the file that
// defines them; each file also holds the answers typed in its phases (on_*_text).

#include <string>
#include <vector>

#include "domain/dialogue.hpp"
#include "domain/texts.hpp"

namespace tutorbot::domain::detail {

inline constexpr std::size_t page_size = 5;  // slot suggestions per message

// (dialogue_intake.cpp) Typed text trimmed and capped; a plausible e-mail address (one '@', a dot
// in the domain).
std::string trimmed(std::string_view text);
bool plausible_email(std::string_view e);

struct machine {
  dialogue_state s;
  const dialogue_context& ctx;
  std::vector<effect> out;

  // ---- saying things
  std::string t(msg id, text_args args = {}) const { return render_text(s.lang, id, args); }
  void say(std::string text) { out.emplace_back(send_text{std::move(text), {}}); }

  // ---- dialogue.cpp: text, global words, the menu, handing over
  void on_text(const std::string& text);
  bool global_words(const std::string& folded);
  bool on_phase_text(const std::string& text, const std::string& folded);
  bool on_menu_text(const std::string& text);
  bool on_human_or_menu_text(const std::string& text);
  // A question: remembered for re-prompting after an unknown answer.
  void ask(std::string text, std::vector<std::string> options = {});
  void reprompt_with(msg prefix);
  static std::optional<std::size_t> choice(const std::vector<std::string>& options,
                                           std::string_view text);
  void miss();
  void show_menu(bool greet, std::string prefix = {});
  std::vector<std::string> menu_options() const;
  void reset_draft();
  void leave_hold();
  void handoff(std::string_view reason);  // hand_to_staff and tell the student so
  void hand_to_staff(std::string_view reason);
  void reenter();

  // ---- dialogue_intake.cpp: what we know of the student
  void begin_intake();
  void show_intake_confirm();
  void ask_field(intake_field f);
  void ask_next_missing();
  void complete_intake();
  bool on_intake_text(const std::string& text, const std::string& folded);
  void on_writer_changed(const std::string& writer);
  bool field_applies(intake_field f) const;
  std::vector<intake_field> applicable_fields() const;
  std::vector<std::string> field_labels() const;  // of applicable_fields(), in that order
  std::optional<intake_field> parse_field(std::string_view folded) const;
  std::string field_value_text(intake_field f) const;

  // ---- dialogue_flows.cpp: trial and booking, length, tutor, free times, holds
  void after_intake();
  void start_trial();
  void start_booking();
  void ask_duration();
  std::vector<int> durations() const;
  bool on_duration_text(const std::string& text, const std::string& folded);
  void ask_tutor();
  std::vector<const tutor_info*> tutors_for_duration() const;
  bool on_tutor_text(const std::string& text, const std::string& folded);
  void query();
  void show_slots(msg intro_override = msg::count_);
  std::vector<std::string> slot_options() const;
  bool on_slot_text(const std::string& text, const std::string& folded);
  void choose_slot(std::size_t index);
  void hold_chosen();
  std::string tutor_name(const std::optional<tutor_id>& id) const;
  std::string slot_text(const slot& s) const;
  // A choice's title for a lesson or a free time: its start, short enough for a button.
  std::string start_title(std::chrono::sys_seconds start) const;
  std::string when_text(const slot& s) const;
  std::string email() const;
  // "\n\n" and the note that the e-mail `note` tells of is on its way, when mail is on and an
  // address is known; else nothing: no text promises an e-mail that will not come. Filled into
  // a message's {mail_note}, or added after it.
  std::string mail_note(msg note) const;
  void on_slots(const slots_found& e);
  void on_no_slots();
  void on_hold(const hold_placed& e);
  void on_slot_taken();
  void slot_lost();  // someone else took the chosen time: new times are looked for

  // ---- dialogue_series.cpp: once, every week or every two weeks; how long; the plan
  bool offers_series() const;
  void ask_rhythm();
  void ask_series_length();
  bool on_series_text(const std::string& text);
  void on_series_held(const series_held& e);
  void on_series_not_held(const series_not_held& e);
  void request_series_payment();
  std::string rhythm_text() const;
  void on_series_link(const payment_link_ready& e);

  // ---- dialogue_payment.cpp: links, payment outcomes, the confirmation
  void request_lesson_payment();
  void request_package_payment();
  bool on_payment_text(const std::string& text);
  void on_link(const payment_link_ready& e);
  void on_paid();
  void on_payment_failed();
  void on_payment_expired();
  void on_confirmed(const booking_confirmed& e);

  // ---- dialogue_lessons.cpp: my lessons (reschedule, cancel) and the prices
  void show_my_lessons();
  std::vector<std::size_t> listed_items() const;
  std::vector<const upcoming_lesson*> lessons_of_series(const std::string& series) const;
  void show_series_actions();
  void show_series_pick();
  void confirm_cancel_rest();
  void on_series_cancelled(const series_cancelled& e);
  std::vector<std::string> lesson_options() const;
  const upcoming_lesson* selected_lesson() const;
  void show_lesson_actions();
  void confirm_cancel();
  void start_reschedule();
  void show_prices();
  std::vector<std::string> prices_options() const;
  std::vector<const product*> packages() const;
  bool on_lessons_text(const std::string& text, const std::string& folded);
  std::optional<std::size_t> cancel_answer(const std::string& text, const std::string& folded) const;
  void on_cancelled(const booking_cancelled& e);
  void on_refund(const refund_done& e);
};

}  // namespace tutorbot::domain::detail
