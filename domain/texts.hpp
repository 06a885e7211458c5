#pragma once
// Every sentence the bot says, one catalog per language (texts_nl.cpp, texts_en.cpp).
// The dialogue logic only names messages (msg::…) and fills their placeholders; no
// user-facing text is written inline anywhere else. Placeholders are "{name}"; a test
// checks that both catalogs fill every message and use the same placeholders.
//
// Entries named words_* are not shown: they are '|'-separated words the student may type
// (compared after fold_for_matching), e.g. "menu|0|hoofdmenu".

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "domain/language.hpp"
#include "domain/types.hpp"

namespace tutorbot::domain {

enum class msg : std::size_t {
  // menu
  greeting, greeting_named, menu_prompt, menu_trial, menu_book, menu_my_lessons, menu_prices,
  menu_human, opt_menu,
  // intake
  intake_known, opt_yes, opt_change, ask_which_field, field_student_name, field_writer,
  field_level, field_subject, field_goals, field_email, field_student_email, writer_student, writer_parent,
  ask_student_name, ask_writer, ask_level, ask_subject, ask_goals, ask_email, ask_student_email, opt_no_own_email,
  no_own_email, invalid_email,
  // booking
  ask_duration, opt_duration, ask_tutor, opt_any_tutor, slots_intro, slots_intro_filtered,
  opt_more, no_slots, no_slots_filtered, opt_all_days, no_more_slots, holding, slot_taken,
  pay_choice, opt_pay_credit, opt_pay_online, payment_link, package_payment_link,
  weekend_discount_note, vat_exempt, vat_rate, payment_received, package_paid, opt_book_now,
  opt_later, booking_confirmed, trial_confirmed, credit_confirmed, payment_failed, opt_retry,
  opt_other_time, payment_expired, opt_new_times, trial_used, trial_unavailable,
  // a series' plan: why a date cannot be booked, and where a lesson moved
  series_clash_holiday, series_clash_closed, series_clash_unavailable, series_clash_taken, series_clash_day_full,
  series_clash_too_soon, series_clash_too_far, series_moved,
  // a weekly or bi-weekly series in the chat
  series_rhythm, opt_once, opt_weekly, opt_biweekly, rhythm_weekly, rhythm_biweekly, series_length_question,
  series_length_unknown, series_too_long, series_planning, series_plan, series_clashes_intro, series_policy_skip,
  series_policy_move, series_policy_extend, opt_series_pay, opt_series_change, series_nothing_fits,
  series_payment_link, series_payment_received, series_confirmed,
  // said only when mail is on (dialogue_context::invites_by_email)
  mail_note_invite, mail_note_update, mail_note_cancel,
  // my lessons
  no_lessons, my_lessons_intro, lesson_line, lesson_actions, opt_reschedule, opt_cancel, opt_back,
  cancel_confirm_refund, cancel_confirm_no_refund, cancel_confirm_credit, cancel_confirm_free,
  opt_cancel_yes, opt_cancel_no, cancelled, cancelled_refund_pending, cancelled_credit,
  refund_done, reschedule_too_late, reschedule_pick, rescheduled, kept,
  series_line, series_actions, opt_one_of_series, opt_cancel_rest, series_pick, cancel_rest_confirm_refund,
  cancel_rest_confirm_no_refund, series_kept, series_rest_cancelled, series_rest_cancelled_refund,
  // prices
  prices_title, price_line, price_line_package, price_line_trial, prices_vat_exempt,
  prices_vat_taxed, prices_weekend, prices_prompt, opt_package,
  // person, global words, errors
  // naming a typed day back (date_words describe)
  filter_on, filter_morning, filter_afternoon, filter_evening, weekday_names,
  please_wait, handoff, handoff_back, help, stopped, not_understood, offer_human, unsupported, idle_released,
  processing_failed,
  idle, language_switched, any_tutor_name,
  // the calendar invite (in the student's language)
  invite_summary, invite_summary_no_subject, invite_description, invite_parent_of,
  // the e-mail with a booking's invite (in the student's language)
  mail_confirmed_subject, mail_moved_subject, mail_cancelled_subject, mail_greeting, mail_greeting_unnamed,
  mail_confirmed, mail_moved, mail_cancelled, mail_location, mail_invite_note, mail_cancel_note, mail_google_invite_note,
  mail_google_cancel_note, mail_closing,
  mail_reminder_subject, mail_reminder, mail_reminder_note, mail_cancel_refund, mail_cancel_credit,
  mail_receipt_subject, mail_receipt, mail_receipt_line, mail_receipt_total, mail_receipt_vat, mail_receipt_note,
  // the WhatsApp reminder before a lesson (in the student's language)
  reminder_whatsapp, reminder_name_unknown,
  // the tutor's calendar event (in the school's language)
  tutor_event_summary, tutor_event_tutor, tutor_event_student, tutor_event_level, tutor_event_subject, tutor_event_conversation,
  tutor_event_booking,
  // staff note (always rendered in the school's language, Dutch)
  note_intake_title, note_processing_failed, note_delivery_failed, note_mail_refused, note_reminder_failed, note_attachment_with_text,
  // words the student may type
  words_menu, words_stop, words_help, words_human, words_english, words_dutch, words_yes,
  words_no, words_change, words_more, words_any, words_student, words_parent,
  words_field_student_name, words_field_writer, words_field_level, words_field_subject,
  words_field_goals, words_field_email, words_field_student_email,
  count_
};

inline constexpr std::size_t msg_count = static_cast<std::size_t>(msg::count_);

// The raw catalog entry, with its "{placeholders}".
std::string_view text_template(language lang, msg id);

using text_args = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// The entry with each "{key}" replaced by its value (values are inserted as given: the
// caller neutralizes user-provided text). Unknown placeholders stay as they are.
std::string render_text(language lang, msg id, text_args args = {});

// Whether `folded` (already fold_for_matching'd) is one of the words of a words_* entry,
// in either language.
bool is_word(msg words_entry, std::string_view folded);

// "€ 45,00" (nl) / "€45.00" (en).
std::string format_money(language lang, cents amount);

namespace detail {
using text_catalog = std::array<std::string_view, msg_count>;
const text_catalog& texts_nl();
const text_catalog& texts_en();
}  // namespace detail

}  // namespace tutorbot::domain
