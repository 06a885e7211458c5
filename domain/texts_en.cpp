// The English catalog: on request ("english") or from the contact's locale.
#include "domain/texts.hpp"

namespace tutorbot::domain::detail {

namespace {

text_catalog make() {
  text_catalog t{};
  auto set = [&t](msg id, std::string_view text) { t[static_cast<std::size_t>(id)] = text; };
  set(msg::greeting, "Hi! 👋 I'm the tutoring school's booking assistant. How can I help you?");
  set(msg::greeting_named, "Hi {name}! 👋 I'm the tutoring school's booking assistant. How can I help you?");
  set(msg::menu_prompt, "How can I help you?");
  set(msg::menu_trial, "Free trial lesson");
  set(msg::menu_book, "Book a lesson");
  set(msg::menu_my_lessons, "My lessons");
  set(msg::menu_prices, "Prices & packages");
  set(msg::menu_human, "Talk to a person");
  set(msg::opt_menu, "Menu");

  set(msg::intake_known, "This is what I have:\n{fields}\n\nIs this right? Answer *yes*, or *change* followed by the field (e.g. _change email_).");
  set(msg::opt_yes, "Yes, correct");
  set(msg::opt_change, "Change");
  set(msg::ask_which_field, "Which detail would you like to change?");
  set(msg::field_student_name, "Student's name");
  set(msg::field_writer, "Writing as");
  set(msg::field_level, "Level and year");
  set(msg::field_subject, "Subject");
  set(msg::field_goals, "Goal");
  set(msg::field_email, "Email");
  set(msg::field_student_email, "Student's email");
  set(msg::writer_student, "Student");
  set(msg::writer_parent, "Parent");
  set(msg::ask_student_name, "What is the student's name?");
  set(msg::ask_writer, "Are you writing as the student or as a parent?");
  set(msg::ask_level, "Which school level and year is the student in? (e.g. _havo 4_)");
  set(msg::ask_subject, "Which subject do you need tutoring in?");
  set(msg::ask_goals, "What would you like to achieve? (e.g. _pass the next test_)");
  set(msg::ask_email, "What is your email address?");
  set(msg::ask_student_email, "Does {student} have an email address of their own? Send it, or choose *No own address*.");
  set(msg::opt_no_own_email, "No own address");
  set(msg::no_own_email, "no own address");
  set(msg::invalid_email, "That doesn't look like a valid email address. Please try again (e.g. name@example.com).");

  set(msg::ask_duration, "How long should the lesson be?");
  set(msg::opt_duration, "{minutes} min – {price}");
  set(msg::ask_tutor, "Who would you like as your tutor?");
  set(msg::opt_any_tutor, "No preference");
  set(msg::slots_intro, "These times are free. Pick one, type *more* for other times, or type a day (e.g. _tuesday_, _tomorrow_, _12-03_, _sat morning_).");
  set(msg::slots_intro_filtered, "These times are free {filter}. Pick one, type *more* for other times, or type another day.");
  set(msg::opt_more, "More times");
  set(msg::no_slots, "Sorry, I can't find any free times in the coming weeks. Type a day, or talk to a person.");
  set(msg::no_slots_filtered, "Sorry, nothing is free {filter}. Type another day, or see all days.");
  set(msg::opt_all_days, "All days");
  set(msg::no_more_slots, "There are no more free times in this period. Pick one of these or type another day.");
  set(msg::holding, "Reserving {slot} with {tutor} for you…");
  set(msg::slot_taken, "Sorry, someone else just reserved that time. I'm finding new times for you.");
  set(msg::pay_choice, "You have {credits} lesson credit(s) left. How would you like to pay for this lesson?");
  set(msg::opt_pay_credit, "Pay with credit");
  set(msg::opt_pay_online, "Pay online");
  set(msg::payment_link, "*{product}*\n{slot} with {tutor}\nTotal: {total} ({vat}){discount}\n\nPay here with iDEAL or card:\n{url}\n\nI'll keep the time for you until {expires}.");
  set(msg::package_payment_link, "*{product}*\nTotal: {total} ({vat})\n\nPay here with iDEAL or card:\n{url}\n\nThe link is valid until {expires}.");
  set(msg::weekend_discount_note, "\nIncluding {percent}% weekend discount.");
  set(msg::vat_exempt, "VAT exempt");
  set(msg::vat_rate, "incl. {rate}% VAT");
  set(msg::payment_received, "Payment received, thank you! I'm adding the lesson to the calendar…");
  set(msg::package_paid, "Payment received, thank you! You now have {credits} lesson credits. Shall we schedule a lesson right away?");
  set(msg::opt_book_now, "Schedule a lesson");
  set(msg::opt_later, "Later");
  set(msg::booking_confirmed, "Your lesson is booked ✅\n{when} with {tutor}.{mail_note}\n\nType *menu* if there's anything else.");
  set(msg::trial_confirmed, "Your trial lesson is booked ✅\n{when} with {tutor}.{mail_note}\n\nSee you then!");
  set(msg::credit_confirmed, "Your lesson is booked ✅\n{when} with {tutor}.\n\nPaid with credit; you have {credits} lesson(s) left.{mail_note}");
  set(msg::payment_failed, "The payment didn't go through. Your time is still reserved for a little while. What would you like to do?");
  set(msg::opt_retry, "Pay again");
  set(msg::opt_other_time, "Another time");
  set(msg::payment_expired, "The payment link has expired, so I released the time. Shall I look for new times?");
  set(msg::opt_new_times, "New times");
  set(msg::trial_used, "You've already had a trial lesson; it's once per student. You can book a lesson right away, though.");
  set(msg::trial_unavailable, "We don't offer trial lessons at the moment. You can book a lesson right away, though.");

  set(msg::no_lessons, "You have no upcoming lessons.");
  set(msg::my_lessons_intro, "Your upcoming lessons:\n{lessons}\n\nPick one to reschedule or cancel it.");
  set(msg::lesson_line, "{slot} with {tutor}");
  set(msg::lesson_actions, "Your lesson on {when} with {tutor}. What would you like to do?");
  set(msg::series_line, "{next} with {tutor}, then {more} more regular lesson(s)");
  set(msg::series_actions, "Your regular lessons with {tutor}:\n{lessons}\n\nWould you like to reschedule or cancel one lesson, or cancel the rest of the series?");
  set(msg::opt_one_of_series, "One lesson");
  set(msg::opt_cancel_rest, "Cancel the rest");
  set(msg::series_pick, "Which lesson?");
  set(msg::cancel_rest_confirm_refund, "If you cancel the {count} lessons from {when} now, you get {amount} back (each lesson under the cancellation rules). Are you sure?");
  set(msg::cancel_rest_confirm_no_refund, "If you cancel the {count} lessons from {when} now, you get no refund. Are you sure?");
  set(msg::series_kept, "Fine, your regular lessons stay as they are.");
  set(msg::series_rest_cancelled, "Your regular lessons from {when} are cancelled.");
  set(msg::series_rest_cancelled_refund, "Your regular lessons from {when} are cancelled. The refund of {amount} is on its way.");
  set(msg::opt_reschedule, "Reschedule");
  set(msg::opt_cancel, "Cancel");
  set(msg::opt_back, "Back");
  set(msg::cancel_confirm_refund, "If you cancel now, you get {amount} back ({percent}%). Are you sure?");
  set(msg::cancel_confirm_no_refund, "This lesson starts in less than {hours} hours, so cancelling gives no refund. Are you sure?");
  set(msg::cancel_confirm_credit, "If you cancel now, you get the lesson back as credit. Are you sure?");
  set(msg::cancel_confirm_free, "Are you sure you want to cancel this lesson?");
  set(msg::opt_cancel_yes, "Yes, cancel");
  set(msg::opt_cancel_no, "No, keep it");
  set(msg::cancelled, "Your lesson on {when} is cancelled.");
  set(msg::cancelled_refund_pending, "Your lesson on {when} is cancelled. The refund of {amount} is on its way.");
  set(msg::cancelled_credit, "Your lesson on {when} is cancelled. The lesson is back in your credit.");
  set(msg::refund_done, "{amount} has been refunded. It will be in your account within 5 to 10 working days.");
  set(msg::reschedule_too_late, "Lessons can be rescheduled up to {hours} hours before they start. Would you like to talk to a person?");
  set(msg::reschedule_pick, "To which time would you like to move your lesson with {tutor}?");
  set(msg::rescheduled, "Your lesson is rescheduled ✅\nNew time: {when} with {tutor}.{mail_note}");
  set(msg::kept, "Fine, your lesson stays as it is.");

  set(msg::prices_title, "*Prices* (what you pay, VAT included where due)");
  set(msg::price_line, "{name}: {price}");
  set(msg::price_line_package, "{name}: {price} ({per} per lesson)");
  set(msg::price_line_trial, "{name}: free, once");
  set(msg::prices_vat_exempt, "Tutoring is exempt from VAT.");
  set(msg::prices_vat_taxed, "{name} includes {rate}% VAT.");
  set(msg::prices_weekend, "On Saturday and Sunday single lessons get a {percent}% weekend discount.");
  set(msg::prices_prompt, "With a package you pay once and then schedule the lessons from your credit.");
  set(msg::opt_package, "Package of {lessons}");

  set(msg::filter_on, "on {day}");
  set(msg::filter_morning, "in the morning");
  set(msg::filter_afternoon, "in the afternoon");
  set(msg::filter_evening, "in the evening");
  set(msg::weekday_names, "Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday");

  set(msg::please_wait, "One moment, I'm working on it…");
  set(msg::processing_failed, "Sorry, I can't process your message right now.");
  set(msg::handoff, "I'm passing you to a member of staff. We'll reply as soon as we can (Mon–Fri 9:00–17:00).");
  set(msg::handoff_back, "I'm back! How can I help you?");
  set(msg::help, "I help you book tutoring. You can always type:\n*menu* – back to the start\n*stop* – stop\n*human* – talk to a person\n*nederlands* – verder in het Nederlands");
  set(msg::stopped, "Okay, I'll stop here. Type *menu* whenever you want to continue.");
  set(msg::not_understood, "Sorry, I didn't understand that.");
  set(msg::offer_human, "This isn't going smoothly. Would you like to talk to a person?");
  set(msg::unsupported, "I can only read text messages. Please type your answer or pick an option.");
  set(msg::idle_released, "I haven't heard from you for a while, so I released the reserved time. Type *menu* to start again.");
  set(msg::idle, "I haven't heard from you for a while. Type *menu* whenever you want to continue.");
  set(msg::language_switched, "Sure, let's continue in English.");
  set(msg::any_tutor_name, "one of our tutors");
  set(msg::invite_summary, "{subject} lesson with {tutor}");
  set(msg::invite_summary_no_subject, "Lesson with {tutor}");
  set(msg::invite_description, "{product} with {tutor} for {student}.\nWant to reschedule or cancel? Send us a WhatsApp message and choose *My lessons*.");
  set(msg::invite_parent_of, "Parent of {student}");
  set(msg::series_clash_holiday, "{date} falls in the {name}");
  set(msg::series_clash_closed, "{date}: no lessons that day");
  set(msg::series_clash_unavailable, "{date}: the tutor is not available then");
  set(msg::series_clash_taken, "{date}: that time is already taken");
  set(msg::series_clash_day_full, "{date}: that day is full");
  set(msg::series_clash_too_soon, "{date}: too soon to book");
  set(msg::series_clash_too_far, "{date}: too far ahead to book");
  set(msg::series_moved, "{date} moves to {moved_to}");
  set(msg::series_rhythm, "{slot} with {tutor}.\nWould you like one lesson, or every week or every two weeks at this day and time?");
  set(msg::opt_once, "One lesson");
  set(msg::opt_weekly, "Every week");
  set(msg::opt_biweekly, "Every two weeks");
  set(msg::rhythm_weekly, "every week");
  set(msg::rhythm_biweekly, "every two weeks");
  set(msg::series_length_question, "How many lessons would you like, or until when? For example *8 lessons*, *until 1 July* or *until the zomervakantie*. At most {max}.");
  set(msg::series_length_unknown, "I don't understand that as a number of lessons or an end date.");
  set(msg::series_too_long, "That is more than {max} lessons. Choose fewer, or an earlier end date.");
  set(msg::series_planning, "I'm checking which dates are free and holding them for you…");
  set(msg::series_plan, "*{count} lessons, {rhythm}*, with {tutor}\nThe first: {first}\nThe last: {last}{clashes}\n\n{policy}\n\nI'll keep these times for you until {expires}.");
  set(msg::series_clashes_intro, "\n\nNot at the usual time:");
  set(msg::series_policy_skip, "A date that cannot be kept is skipped by the school.");
  set(msg::series_policy_move, "A date that cannot be kept is moved by the school to the first free time that week.");
  set(msg::series_policy_extend, "A date that cannot be kept becomes an extra lesson at the end of the series.");
  set(msg::opt_series_pay, "Agree, pay");
  set(msg::opt_series_change, "Something else");
  set(msg::series_nothing_fits, "No lesson of the series fits at that time. Choose one lesson, or another rhythm.");
  set(msg::series_payment_link, "*{count} lessons, {rhythm}*, with {tutor}\nThe first: {first}\nTotal: {total} ({vat})\n\nPay here with iDEAL or card:\n{url}\n\nI'll keep the times for you until {expires}.");
  set(msg::series_payment_received, "Payment received, thank you! I'm adding the lessons to the calendar…");
  set(msg::series_confirmed, "Your {count} lessons are booked ✅\nWith {tutor}, {rhythm}, the first on {first}.{mail_note}\n\nType *menu* if there is anything else.");
  set(msg::mail_note_invite, "📧 The confirmation with the calendar invite is on its way to {email}.");
  set(msg::mail_note_update, "📧 The updated calendar invite is on its way to {email}.");
  set(msg::mail_note_cancel, "📧 The cancellation is on its way to {email}; it takes the lesson out of your calendar.");
  set(msg::mail_confirmed_subject, "Your lesson is booked: {when}");
  set(msg::mail_moved_subject, "Your lesson has moved: {when}");
  set(msg::mail_cancelled_subject, "Your lesson is cancelled: {when}");
  set(msg::mail_greeting, "Hi {name},");
  set(msg::mail_greeting_unnamed, "Hi,");
  set(msg::mail_confirmed, "Your lesson is booked: {product} with {tutor}, {when}.");
  set(msg::mail_moved, "Your lesson with {tutor} has moved to {when}.");
  set(msg::mail_cancelled, "Your lesson with {tutor} on {when} is cancelled.");
  set(msg::mail_location, "Where: {location}");
  set(msg::mail_invite_note, "The calendar invite is attached. Add it to your calendar; if anything changes, a new one will update it.");
  set(msg::mail_cancel_note, "If the lesson was in your calendar, the attachment takes it out.");
  set(msg::mail_google_invite_note, "Google Calendar sends you the invite in a separate email. Accept it there; if anything changes, Google will update it.");
  set(msg::mail_google_cancel_note, "If the lesson was in your calendar, Google Calendar takes it out.");
  set(msg::mail_closing, "Questions, or a change? Send us a WhatsApp message.\n\nKind regards,\n{school}");
  set(msg::mail_reminder_subject, "Reminder: your lesson {when}");
  set(msg::mail_reminder, "See you soon! Your lesson: {product} with {tutor}, {when}.");
  set(msg::mail_reminder_note, "The calendar invite is attached once more, in case it is not in your calendar yet.");
  set(msg::mail_cancel_refund, "A refund of {amount} to the account or card you paid with is under way; this can take a few working days.");
  set(msg::mail_cancel_credit, "The lesson is credit again: you can book a new lesson with it.");
  set(msg::mail_receipt_subject, "Receipt from {school}: {total}");
  set(msg::mail_receipt, "We received your payment of {total} on {date}. Thank you!");
  set(msg::mail_receipt_line, "{quantity} × {description}: {amount}");
  set(msg::mail_receipt_total, "Total: {total}");
  set(msg::mail_receipt_vat, "VAT included: {vat}");
  set(msg::mail_receipt_note, "Keep this e-mail as your receipt. Your payment's reference: {reference}");
  set(msg::reminder_whatsapp, "⏰ Reminder: your lesson with {tutor} is {day} at {time}.\nCan't make it? Send *menu* and choose *My lessons* to reschedule or cancel.");
  set(msg::reminder_name_unknown, "there");  // "Hi {{1}}" in a template: "Hi there"
  set(msg::tutor_event_summary, "{product} — {student}");
  set(msg::tutor_event_tutor, "Tutor: {tutor}");
  set(msg::tutor_event_student, "Student: {student}");
  set(msg::tutor_event_level, "Level: {level}");
  set(msg::tutor_event_subject, "Subject: {subject}");
  set(msg::tutor_event_conversation, "Conversation: {link}");
  set(msg::tutor_event_booking, "Booked through tutorbot (booking {booking}).");
  set(msg::note_mail_refused, "⚠️ The e-mail with the calendar invite ({subject}) to {email} was refused by the mail server: {reason}. Check the address with the student.");
  set(msg::note_reminder_failed, "⚠️ The reminder ({channel}) for the lesson on {when} did not reach the student: {reason}.");
  set(msg::note_intake_title, "WhatsApp intake (tutorbot)");
  set(msg::note_processing_failed, "tutorbot could not process a message of this student and handed the conversation "
                                   "over. The message is among the parked events. Error: {error}");
  set(msg::note_delivery_failed, "WhatsApp did not deliver this message from tutorbot to the student ({error}). "
                                 "tutorbot does not wait for an answer and handed the conversation over. The message: "
                                 "{content}");
  set(msg::note_attachment_with_text, "The student sent an attachment ({kind}) with text; tutorbot read only the text. "
                                      "The attachment is in the conversation.");

  set(msg::words_menu, "menu|0|main menu|start");
  set(msg::words_stop, "stop|quit");
  set(msg::words_help, "help");
  set(msg::words_human, "human|person|agent|staff|talk to a person");
  set(msg::words_english, "english");
  set(msg::words_dutch, "dutch");
  set(msg::words_yes, "yes|y|correct|yes, correct|yes correct|ok|okay|sure");
  set(msg::words_no, "no|n|no, keep it|no keep it");
  set(msg::words_change, "change|edit");
  set(msg::words_more, "more|more times|next|other times");
  set(msg::words_any, "any|no preference|anyone|don't mind|dont mind");
  set(msg::words_student, "student|i am the student|pupil");
  set(msg::words_parent, "parent|i am the parent|mother|father|guardian");
  set(msg::words_field_student_name, "name|student's name|student name|student");
  set(msg::words_field_writer, "writing as|writer|parent");
  set(msg::words_field_level, "level|year|level and year");
  set(msg::words_field_subject, "subject");
  set(msg::words_field_goals, "goal|goals");
  set(msg::words_field_email, "email|e-mail|mail|email address");
  set(msg::words_field_student_email, "student email|student's email|students email|student email address");
  return t;
}

}  // namespace

const text_catalog& texts_en() {
  static const text_catalog catalog = make();
  return catalog;
}

}  // namespace tutorbot::domain::detail
