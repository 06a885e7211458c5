#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>

#include "domain/dialogue.hpp"
#include "domain/dialogue_state_json.hpp"
#include "domain/texts.hpp"
#include "domain/whatsapp_text.hpp"
#include "dialogue_fixtures.hpp"

namespace tutorbot::domain {  // for Boost.Test's failure messages
inline std::ostream& operator<<(std::ostream& os, dialogue_phase p) { return os << to_string(p); }
inline std::ostream& operator<<(std::ostream& os, language l) { return os << to_string(l); }
}  // namespace tutorbot::domain

using namespace tutorbot::domain;
using namespace std::chrono;
using tutorbot::domain::test::sample_context;
using tutorbot::domain::test::utc;

namespace {

const sys_seconds monday = utc(2026, 3, 9, 10);

template <class E>
std::vector<E> effects_of(const step_result& r) {
  std::vector<E> out;
  for (const auto& e : r.effects)
    if (const auto* x = std::get_if<E>(&e)) out.push_back(*x);
  return out;
}

// Feeds texts one after another; returns the last result.
step_result say(dialogue_state& state, const dialogue_context& ctx, std::initializer_list<std::string> texts) {
  step_result r;
  for (const auto& t : texts) {
    r = step(state, text_received{t}, ctx);
    state = r.state;
  }
  return r;
}

dialogue_context known_student() {
  auto ctx = sample_context(monday);
  ctx.contact.name = "Mila Bakker";
  ctx.contact.email = "mila@example.nl";
  ctx.contact.attributes = {{"writer", "student"}, {"level", "vwo 4"}, {"subject", "Scheikunde"}, {"goals", "Bijblijven"}};
  return ctx;
}

std::set<std::string> placeholders(std::string_view text) {
  std::set<std::string> out;
  const std::string s{text};
  const std::regex re{R"(\{([a-z_]+)\})"};
  for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1]);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dialogue)

BOOST_AUTO_TEST_CASE(both_catalogs_fill_every_message_with_the_same_placeholders) {
  for (std::size_t i = 0; i < msg_count; ++i) {
    const auto id = static_cast<msg>(i);
    BOOST_TEST_CONTEXT("message " << i) {
      BOOST_TEST(!text_template(language::nl, id).empty());
      BOOST_TEST(!text_template(language::en, id).empty());
      BOOST_TEST((placeholders(text_template(language::nl, id)) == placeholders(text_template(language::en, id))));
    }
  }
}

BOOST_AUTO_TEST_CASE(dutch_by_default_english_from_the_contact_locale) {
  auto ctx = sample_context(monday);
  auto nl = step({}, text_received{"hoi"}, ctx);
  BOOST_TEST(std::get<send_text>(nl.effects.at(0)).options.at(1) == "Les boeken");
  ctx.contact.locale = "en-GB";
  auto en = step({}, text_received{"hi"}, ctx);
  BOOST_TEST(std::get<send_text>(en.effects.at(0)).options.at(1) == "Book a lesson");
}

BOOST_AUTO_TEST_CASE(a_typed_language_overrides_the_locale) {
  auto ctx = sample_context(monday);
  ctx.contact.locale = "nl-NL";
  dialogue_state s;
  auto r = say(s, ctx, {"hoi", "english"});
  BOOST_TEST(s.lang == language::en);
  BOOST_TEST(std::get<send_text>(r.effects.back()).options.at(0) == "Free trial lesson");
  r = say(s, ctx, {"menu"});
  BOOST_TEST(std::get<send_text>(r.effects.back()).options.at(0) == "Free trial lesson");
}

BOOST_AUTO_TEST_CASE(menu_choice_by_number_with_dot_by_title_and_by_tap) {
  const auto ctx = known_student();
  for (const std::string choice : {"2", "2.", " 2) ", "Les boeken", "les BOEKEN"}) {
    dialogue_state s;
    say(s, ctx, {"hoi", choice});
    BOOST_TEST_CONTEXT(choice) { BOOST_TEST(s.phase == dialogue_phase::intake_confirm); }
  }
}

BOOST_AUTO_TEST_CASE(prefilled_name_is_neutralized_in_the_confirmation) {
  auto ctx = sample_context(monday);
  ctx.contact.name = "*Bob* _the_ ~great~";
  dialogue_state s;
  const auto r = say(s, ctx, {"hoi", "2"});
  const auto text = std::get<send_text>(r.effects.back()).text;
  BOOST_TEST(text.find("*Bob*") == std::string::npos);
  BOOST_TEST(text.find("∗Bob∗") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_subject_named_like_a_language_is_an_answer_not_a_switch) {
  auto ctx = sample_context(monday);
  ctx.contact.name = "Lotte";
  ctx.contact.attributes = {{"writer", "student"}, {"level", "havo 3"}};
  dialogue_state s;
  say(s, ctx, {"hoi", "2", "ja", "Engels"});
  BOOST_TEST(s.lang == language::nl);
  BOOST_TEST(*s.intake.fields[static_cast<std::size_t>(intake_field::subject)] == "Engels");
}

BOOST_AUTO_TEST_CASE(completed_intake_sets_attributes_and_a_staff_note_once) {
  const auto ctx = known_student();
  dialogue_state s;
  auto r = say(s, ctx, {"hoi", "2", "ja"});
  const auto attrs = effects_of<set_contact_attributes>(r);
  BOOST_REQUIRE(attrs.size() == 1);
  BOOST_TEST(attrs[0].attributes.at("email") == "mila@example.nl");
  BOOST_TEST(attrs[0].attributes.at("student_name") == "Mila Bakker");
  BOOST_TEST(effects_of<private_note>(r).size() == 1);
  BOOST_TEST(s.phase == dialogue_phase::choose_duration);
  // Next booking in the same conversation: no intake again.
  r = say(s, ctx, {"menu", "2"});
  BOOST_TEST(s.phase == dialogue_phase::choose_duration);
  BOOST_TEST(effects_of<set_contact_attributes>(r).empty());
}

BOOST_AUTO_TEST_CASE(a_parent_is_asked_for_the_students_own_address_and_a_student_is_not) {
  auto ctx = known_student();
  ctx.contact.attributes["writer"] = "parent";
  ctx.contact.attributes["student_name"] = "Mila Bakker";
  dialogue_state s;
  auto r = say(s, ctx, {"hoi", "2", "ja"});
  BOOST_TEST(s.phase == dialogue_phase::intake_ask);
  BOOST_TEST(std::get<send_text>(r.effects.back()).text.find("Heeft Mila Bakker een eigen e-mailadres?") == 0u);
  r = say(s, ctx, {"nog niet"});  // neither an address nor a no
  BOOST_TEST(std::get<send_text>(r.effects.back()).text.find("geen geldig e-mailadres") != std::string::npos);
  r = say(s, ctx, {"mila.school@example.nl"});
  const auto attrs = effects_of<set_contact_attributes>(r);
  BOOST_REQUIRE(attrs.size() == 1);
  BOOST_TEST(attrs[0].attributes.at("email") == "mila@example.nl");
  BOOST_TEST(attrs[0].attributes.at("student_email") == "mila.school@example.nl");
  BOOST_TEST(effects_of<private_note>(r).at(0).text.find("E-mail leerling: mila.school@example.nl") != std::string::npos);

  // A student who writes is never asked, and the pick list does not offer it.
  dialogue_state own;
  r = say(own, known_student(), {"hoi", "2", "wijzig"});
  for (const auto& option : std::get<send_text>(r.effects.back()).options) BOOST_TEST(option != "E-mail leerling");
  r = say(own, known_student(), {"wijzig e-mail leerling"});
  BOOST_TEST(own.phase == dialogue_phase::intake_pick, "no such field for a student who writes");
}

BOOST_AUTO_TEST_CASE(a_parents_profile_name_is_not_taken_for_the_students) {
  auto ctx = known_student();
  ctx.contact.attributes["writer"] = "parent";
  dialogue_state s;
  say(s, ctx, {"hoi", "2"});
  BOOST_TEST(!s.intake.fields[static_cast<std::size_t>(intake_field::student_name)].has_value());
  ctx.contact.attributes["student_name"] = "Mila";
  dialogue_state named;
  say(named, ctx, {"hoi", "2"});
  BOOST_TEST(*named.intake.fields[static_cast<std::size_t>(intake_field::student_name)] == "Mila");
}

BOOST_AUTO_TEST_CASE(a_first_time_parent_is_asked_the_students_name_instead_of_given_their_own) {
  auto ctx = sample_context(monday);
  ctx.contact.name = "Mark Jansen";  // the parent's WhatsApp profile
  dialogue_state s;
  auto r = say(s, ctx, {"hoi", "2", "ja"});
  BOOST_TEST(std::get<send_text>(r.effects.back()).text == "Schrijf je als leerling of als ouder?");
  r = say(s, ctx, {"ouder"});
  BOOST_TEST(std::get<send_text>(r.effects.back()).text == "Wat is de naam van de leerling?");
  BOOST_TEST(!s.intake.fields[static_cast<std::size_t>(intake_field::student_name)].has_value());
}

BOOST_AUTO_TEST_CASE(a_second_address_from_before_is_asked_again_when_the_writer_changes) {
  auto ctx = known_student();
  ctx.contact.attributes["student_email"] = "old@example.nl";  // left from an earlier parent's intake
  dialogue_state s;
  auto r = say(s, ctx, {"hoi", "2"});
  BOOST_TEST(std::get<send_text>(r.effects.back()).text.find("old@example.nl") == std::string::npos);
  // The profile name was the writer's own: now a parent's, so the student's name is asked too.
  r = say(s, ctx, {"wijzig wie schrijft", "ouder", "Sem"});
  BOOST_TEST((s.asking == std::optional<intake_field>{intake_field::student_email}));
}

BOOST_AUTO_TEST_CASE(an_address_with_a_line_break_is_refused_before_it_reaches_a_mail_header) {
  const auto ctx = known_student();
  dialogue_state s;
  auto r = say(s, ctx, {"hoi", "2", "wijzig e-mail", "mila\nBcc:evil@example.nl"});
  BOOST_TEST(std::get<send_text>(r.effects.back()).text.find("geen geldig e-mailadres") != std::string::npos);
  BOOST_TEST(*s.intake.fields[static_cast<std::size_t>(intake_field::email)] == "mila@example.nl");
}

BOOST_AUTO_TEST_CASE(a_parents_no_own_address_is_an_answer_remembered_for_the_next_booking) {
  auto ctx = known_student();
  ctx.contact.attributes["writer"] = "parent";
  ctx.contact.attributes["student_name"] = "Mila Bakker";
  dialogue_state s;
  auto r = say(s, ctx, {"hoi", "2", "ja", "Geen eigen adres"});
  BOOST_REQUIRE(effects_of<set_contact_attributes>(r).size() == 1);
  BOOST_TEST(effects_of<set_contact_attributes>(r)[0].attributes.at("student_email").empty());
  BOOST_TEST(s.phase == dialogue_phase::choose_duration);

  ctx.contact.attributes["student_email"] = "";
  dialogue_state next;
  r = say(next, ctx, {"hoi", "2"});
  BOOST_TEST(std::get<send_text>(r.effects.back()).text.find("E-mail leerling: geen eigen adres") != std::string::npos);
  say(next, ctx, {"ja"});
  BOOST_TEST(next.phase == dialogue_phase::choose_duration);
  // And changed by name: "wijzig e-mail leerling" asks for the student's address, not the parent's.
  dialogue_state change;
  say(change, ctx, {"hoi", "2", "wijzig e-mail leerling"});
  BOOST_TEST((change.asking == std::optional<intake_field>{intake_field::student_email}));
}

BOOST_AUTO_TEST_CASE(stop_releases_a_placed_hold) {
  const auto ctx = known_student();
  dialogue_state s;
  say(s, ctx, {"hoi", "2", "ja", "1", "3"});
  BOOST_REQUIRE(s.phase == dialogue_phase::awaiting_slots);
  const slot sl{utc(2026, 3, 10, 15), utc(2026, 3, 10, 16)};
  s = step(s, slots_found{{{tutor_id{"anouk"}, sl}}}, ctx).state;
  s = say(s, ctx, {"1"}).state;
  s = step(s, hold_placed{booking_id{"b-1"}, utc(2026, 3, 9, 10, 20), {tutor_id{"anouk"}, sl}}, ctx).state;
  const auto r = say(s, ctx, {"stop"});
  const auto released = effects_of<release_hold>(r);
  BOOST_REQUIRE(released.size() == 1);
  BOOST_TEST(released[0].booking.value == "b-1");
  BOOST_TEST(s.phase == dialogue_phase::idle);
  BOOST_TEST(!s.hold);
}

namespace {

// Menu, a 60-minute lesson with Anouk on 10 March 2026 at 16:00, held as b-1 and paid.
dialogue_state paid_lesson(const dialogue_context& ctx, const slot& sl) {
  dialogue_state s;
  say(s, ctx, {"hoi", "2", "ja", "1", "3"});
  s = step(s, slots_found{{{tutor_id{"anouk"}, sl}}}, ctx).state;
  s = say(s, ctx, {"1"}).state;
  s = step(s, hold_placed{booking_id{"b-1"}, utc(2026, 3, 9, 10, 20), {tutor_id{"anouk"}, sl}}, ctx).state;
  s = step(s, payment_link_ready{"https://pay", utc(2026, 3, 9, 10, 40)}, ctx).state;
  return step(s, payment_succeeded{}, ctx).state;
}

}  // namespace

BOOST_AUTO_TEST_CASE(after_payment_menu_waits_for_the_confirmation_and_keeps_the_booking) {
  const auto ctx = known_student();
  const slot sl{utc(2026, 3, 10, 15), utc(2026, 3, 10, 16)};
  auto s = paid_lesson(ctx, sl);
  const auto r = say(s, ctx, {"menu"});
  BOOST_TEST(effects_of<release_hold>(r).empty());
  BOOST_TEST(s.phase == dialogue_phase::awaiting_confirmation);
  const auto done = step(s, booking_confirmed{booking_id{"b-1"}, {tutor_id{"anouk"}, sl}}, ctx);
  BOOST_TEST(done.state.phase == dialogue_phase::idle);
  BOOST_TEST(effects_of<add_labels>(done).at(0).labels.at(0) == "booked");
}

// The confirmation tells of the e-mail with the invite only when mail is on.
BOOST_AUTO_TEST_CASE(the_confirmation_promises_the_invite_by_email_only_when_mail_is_on) {
  auto confirmation = [](bool mail_on) {
    auto ctx = known_student();
    ctx.invites_by_email = mail_on;
    const slot sl{utc(2026, 3, 10, 15), utc(2026, 3, 10, 16)};
    const auto s = paid_lesson(ctx, sl);
    const auto done = step(s, booking_confirmed{booking_id{"b-1"}, {tutor_id{"anouk"}, sl}}, ctx);
    const auto said = effects_of<send_text>(done);
    BOOST_REQUIRE(!said.empty());
    return said.back().text;
  };
  const auto without = confirmation(false);
  const auto with = confirmation(true);
  BOOST_TEST(without.find("e-mail") == std::string::npos, without);
  const auto note = with.find("\n\n📧 De bevestiging met de agenda-uitnodiging gaat per e-mail naar ");
  BOOST_REQUIRE_MESSAGE(note != std::string::npos, with);
  BOOST_TEST(note < with.find("Typ *menu*"), "the note comes with the lesson, before what to do next: " << with);
}

BOOST_AUTO_TEST_CASE(a_hold_placed_after_the_student_left_is_released) {
  const auto ctx = known_student();
  const slot sl{utc(2026, 3, 10, 15), utc(2026, 3, 10, 16)};
  const auto r = step(dialogue_state{}, hold_placed{booking_id{"b-9"}, utc(2026, 3, 9, 10, 20), {tutor_id{"anouk"}, sl}}, ctx);
  BOOST_REQUIRE(effects_of<release_hold>(r).size() == 1);
  BOOST_TEST(effects_of<send_text>(r).empty());
}

BOOST_AUTO_TEST_CASE(late_slots_are_ignored_outside_the_search) {
  const auto ctx = known_student();
  dialogue_state s;
  say(s, ctx, {"hoi"});
  const auto r = step(s, slots_found{{{tutor_id{"anouk"}, {utc(2026, 3, 10, 15), utc(2026, 3, 10, 16)}}}}, ctx);
  BOOST_TEST(r.effects.empty());
  BOOST_TEST((r.state == s));
}

BOOST_AUTO_TEST_CASE(during_handoff_the_bot_says_nothing) {
  const auto ctx = known_student();
  dialogue_state s;
  say(s, ctx, {"hoi", "medewerker"});
  BOOST_REQUIRE(s.phase == dialogue_phase::handoff);
  for (const std::string t : {"hallo?", "menu", "stop", "english"})
    BOOST_TEST(step(s, text_received{t}, ctx).effects.empty());
  BOOST_TEST(step(s, unsupported_received{"audio"}, ctx).effects.empty());
  BOOST_TEST(step(s, idle_timeout{}, ctx).effects.empty());
}

BOOST_AUTO_TEST_CASE(a_message_that_cannot_be_processed_is_apologised_for_and_handed_to_a_person) {
  const auto ctx = known_student();
  dialogue_state s;
  say(s, ctx, {"hoi"});
  auto r = step(s, processing_failed{"the calendar did not answer"}, ctx);
  BOOST_TEST(r.state.phase == dialogue_phase::handoff);
  auto texts = effects_of<send_text>(r);
  BOOST_REQUIRE(texts.size() == 2u);
  BOOST_TEST(texts[0].text == render_text(language::nl, msg::processing_failed));
  BOOST_TEST(texts[1].text == render_text(language::nl, msg::handoff));
  BOOST_TEST(effects_of<hand_off>(r).size() == 1u);
  auto notes = effects_of<private_note>(r);
  BOOST_REQUIRE(notes.size() == 1u);
  BOOST_TEST(notes[0].text.find("the calendar did not answer") != std::string::npos);
  // Staff have the conversation already: only they are told.
  auto again = step(r.state, processing_failed{"again"}, ctx);
  BOOST_TEST(effects_of<send_text>(again).empty());
  BOOST_TEST(effects_of<private_note>(again).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_message_refused_outside_the_window_goes_out_once_as_the_template) {
  const auto ctx = known_student();
  dialogue_state s;
  say(s, ctx, {"hoi"});
  auto r = step(s, message_refused{"Je les staat vast.", "131047: Re-engagement message", false}, ctx);
  BOOST_TEST((r.state == s));  // nothing changes for the dialogue: the words are the same
  BOOST_REQUIRE(r.effects.size() == 1u);
  BOOST_TEST(std::get<send_template>(r.effects[0]).text == "Je les staat vast.");
  // Chatwoot's other spelling of the same refusal (the send's own answer).
  auto sent_refusal = step(s, message_refused{"x", "(#131047) Message failed to send because more than 24 hours", false}, ctx);
  BOOST_TEST(effects_of<send_template>(sent_refusal).size() == 1u);
}

BOOST_AUTO_TEST_CASE(any_other_refusal_goes_to_staff_with_a_note_and_a_label_and_no_word_to_the_student) {
  const auto ctx = known_student();
  for (const auto& refused : {message_refused{"Hoe lang moet de les duren?", "131026: Message undeliverable", false},
                              message_refused{"Je les staat vast.", "(#132001) Template name does not exist", true},
                              message_refused{"Je les staat vast.", "131047: Re-engagement message", true}}) {
    dialogue_state s;
    say(s, ctx, {"hoi", "2", "ja"});
    auto r = step(s, refused, ctx);
    BOOST_TEST(r.state.phase == dialogue_phase::handoff);
    BOOST_TEST(effects_of<send_text>(r).empty());
    BOOST_TEST(effects_of<send_template>(r).empty());
    BOOST_TEST(effects_of<hand_off>(r).size() == 1u);
    auto notes = effects_of<private_note>(r);
    BOOST_REQUIRE(notes.size() == 1u);
    BOOST_TEST(notes[0].text.find(refused.error) != std::string::npos);
    BOOST_TEST(notes[0].text.find(refused.content) != std::string::npos);
    bool labelled = false;
    for (const auto& l : effects_of<add_labels>(r))
      for (const auto& label : l.labels) labelled |= label == labels::delivery_failed;
    BOOST_TEST(labelled);
    // Handed over already: a second refusal only tells staff.
    auto again = step(r.state, refused, ctx);
    BOOST_TEST(effects_of<hand_off>(again).empty());
    BOOST_TEST(effects_of<private_note>(again).size() == 1u);
  }
}

BOOST_AUTO_TEST_CASE(a_photo_with_a_caption_is_read_as_its_caption_and_staff_hear_of_the_photo) {
  const auto ctx = known_student();
  dialogue_state with_photo, typed;
  say(with_photo, ctx, {"hoi"});
  say(typed, ctx, {"hoi"});
  auto r = step(with_photo, text_received{"Les boeken", "image"}, ctx);
  auto plain = step(typed, text_received{"Les boeken"}, ctx);
  BOOST_TEST((r.state == plain.state));
  BOOST_TEST(effects_of<send_text>(r).size() == effects_of<send_text>(plain).size());
  auto notes = effects_of<private_note>(r);
  BOOST_REQUIRE(notes.size() == effects_of<private_note>(plain).size() + 1);
  BOOST_TEST(notes[0].text.find("image") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_miss_counter_resets_on_an_understood_answer) {
  const auto ctx = known_student();
  dialogue_state s;
  say(s, ctx, {"hoi", "x", "y", "4", "menu", "z"});
  BOOST_TEST(s.misses == 1);
}

BOOST_AUTO_TEST_CASE(every_quick_reply_fits_whatsapp_as_buttons_or_list) {
  // The slot list with tutor names and "Meer tijden" must stay interactive, not fall back
  // to numbered text.
  auto ctx = known_student();
  dialogue_state s;
  say(s, ctx, {"hoi", "2", "ja", "1", "3"});
  std::vector<offered_slot> five;
  for (int d = 10; d < 15; ++d)
    five.push_back({tutor_id{d % 2 ? "anouk" : "daan"}, {utc(2026, 3, d, 15), utc(2026, 3, d, 16)}});
  const auto r = step(s, slots_found{five}, ctx);
  const auto& text = std::get<send_text>(r.effects.back());
  BOOST_TEST(to_string(make_quick_reply(text.text, text.options).style) == "list");
}

BOOST_AUTO_TEST_CASE(state_json_round_trip_keeps_every_field) {
  dialogue_state s;
  s.phase = dialogue_phase::choose_payment;
  s.flow = dialogue_flow::reschedule;
  s.lang = language::en;
  s.language_chosen = true;
  s.misses = 2;
  s.last_prompt = {"Pick \"one\"\nnow ✅", {"a", "b"}};
  s.intake.fields[0] = "Émile";
  s.intake.fields[5] = "e@example.com";
  s.asking = intake_field::goals;
  s.duration_minutes = 90;
  s.product_id = "lesson-90";
  s.tutor = tutor_id{"anouk"};
  s.filter = date_filter{year_month_day{year{2026}, month{3}, day{12}}, std::array<bool, 7>{false, true}, part_of_day::evening};
  s.offset = 10;
  s.offered = {{tutor_id{"daan"}, {utc(2026, 3, 10, 15), utc(2026, 3, 10, 16, 30)}}};
  s.chosen = s.offered.front();
  s.hold = booking_id{"b-1"};
  s.hold_expires_at = utc(2026, 3, 9, 10, 20);
  s.pay_with_credit = true;
  s.payment_url = "https://checkout.stripe.com/x";
  s.selected = booking_id{"b-0"};
  s.refund_amount = cents{2250};
  s.restore_credit = true;
  const auto back = parse_dialogue_state(serialize_dialogue_state(s));
  BOOST_REQUIRE(std::holds_alternative<dialogue_state>(back));
  BOOST_TEST((std::get<dialogue_state>(back) == s));
}

// Found by fuzz_dialogue: a goal with a malformed UTF-8 byte was kept in the state as it
// came, the state's JSON could not be read back, and the conversation started afresh.
BOOST_AUTO_TEST_CASE(a_text_with_malformed_utf8_is_kept_so_the_state_reads_back) {
  const auto ctx = sample_context(utc(2026, 3, 9, 8));
  dialogue_state s;
  s.phase = dialogue_phase::intake_ask;
  s.asking = intake_field::goals;
  const auto r = step(s, text_received{"Meer zelfvertrouwen bij sprek\xD8n"}, ctx);
  BOOST_TEST(r.state.intake.fields[static_cast<std::size_t>(intake_field::goals)].value_or("") ==
             "Meer zelfvertrouwen bij sprek\uFFFDn");
  const auto back = parse_dialogue_state(serialize_dialogue_state(r.state));
  BOOST_REQUIRE(std::holds_alternative<dialogue_state>(back));
  BOOST_TEST((std::get<dialogue_state>(back) == r.state));
}

BOOST_AUTO_TEST_CASE(state_json_of_another_version_or_malformed_is_an_error) {
  auto json = to_json(dialogue_state{});
  json.as_object()["version"] = 2;
  BOOST_TEST(std::holds_alternative<state_json_error>(dialogue_state_from_json(json)));
  BOOST_TEST(std::holds_alternative<state_json_error>(parse_dialogue_state("{")));
  BOOST_TEST(std::holds_alternative<state_json_error>(parse_dialogue_state(R"({"version":1})")));
  BOOST_TEST(std::holds_alternative<state_json_error>(parse_dialogue_state("[]")));
}

namespace {

// Menu, a weekly series of 60-minute lessons with Anouk from 10 March 2026 at 16:00: its plan
// shown (held as s-1), or — with held = false — asked for and not yet answered.
dialogue_state series_asked(const dialogue_context& ctx, bool held) {
  dialogue_state s;
  say(s, ctx, {"hoi", "2", "ja", "1", "3"});
  const slot sl{utc(2026, 3, 10, 15), utc(2026, 3, 10, 16)};
  s = step(s, slots_found{{{tutor_id{"anouk"}, sl}}}, ctx).state;
  say(s, ctx, {"1", "Elke week", "3 lessen"});
  BOOST_REQUIRE(s.phase == dialogue_phase::awaiting_series);
  if (!held) return s;
  series_plan plan;
  for (int week = 0; week < 3; ++week) plan.lessons.push_back({sl.start + weeks{week}, sl.end + weeks{week}});
  return step(s, series_held{"s-1", plan, utc(2026, 3, 9, 10, 20)}, ctx).state;
}

dialogue_context offering_series() {
  auto ctx = known_student();
  ctx.series_max_lessons = 20;
  return ctx;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_series_is_offered_only_when_the_school_allows_more_than_one_lesson) {
  auto ctx = known_student();
  dialogue_state s;
  say(s, ctx, {"hoi", "2", "ja", "1", "3"});
  s = step(s, slots_found{{{tutor_id{"anouk"}, {utc(2026, 3, 10, 15), utc(2026, 3, 10, 16)}}}}, ctx).state;
  const auto without = say(s, ctx, {"1"});
  BOOST_TEST(effects_of<place_hold>(without).size() == 1u);
  ctx.series_max_lessons = 20;
  BOOST_TEST(series_asked(ctx, false).series_starts.empty());
}

BOOST_AUTO_TEST_CASE(leaving_a_held_series_releases_it_whichever_way_the_student_leaves) {
  const auto ctx = offering_series();
  for (const std::string leave : {"menu", "stop", "Iets anders"}) {
    BOOST_TEST_CONTEXT(leave) {
      auto s = series_asked(ctx, true);
      BOOST_REQUIRE(s.phase == dialogue_phase::series_plan);
      BOOST_TEST(s.series_starts.size() == 3u);
      const auto r = say(s, ctx, {leave});
      const auto released = effects_of<release_series>(r);
      BOOST_REQUIRE(released.size() == 1u);
      BOOST_TEST(released[0].series == "s-1");
      BOOST_TEST(!s.series);
    }
  }
  auto idle = series_asked(ctx, true);
  const auto r = step(idle, idle_timeout{}, ctx);
  BOOST_TEST(effects_of<release_series>(r).size() == 1u);
  BOOST_TEST(std::get<send_text>(r.effects.back()).text == render_text(language::nl, msg::idle_released, {}));
}

BOOST_AUTO_TEST_CASE(a_series_held_after_the_student_moved_on_is_released_and_a_refusal_offers_the_choice_again) {
  const auto ctx = offering_series();
  auto s = series_asked(ctx, false);
  s = say(s, ctx, {"menu"}).state;
  const auto late = step(s, series_held{"s-9", {}, utc(2026, 3, 9, 10, 20)}, ctx);
  BOOST_REQUIRE(effects_of<release_series>(late).size() == 1u);
  BOOST_TEST(effects_of<release_series>(late)[0].series == "s-9");
  BOOST_TEST(late.state.phase == dialogue_phase::menu);

  auto refused = series_asked(ctx, false);
  refused = step(refused, series_not_held{false}, ctx).state;
  BOOST_TEST(refused.phase == dialogue_phase::choose_rhythm);
  auto taken = series_asked(ctx, false);
  const auto r = step(taken, series_not_held{true}, ctx);
  BOOST_TEST(r.state.phase == dialogue_phase::awaiting_slots);
  BOOST_TEST(effects_of<query_slots>(r).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_failed_series_payment_is_retried_for_the_series) {
  const auto ctx = offering_series();
  auto s = series_asked(ctx, true);
  auto paying = say(s, ctx, {"Akkoord, betalen"});
  BOOST_REQUIRE(effects_of<request_payment>(paying).size() == 1u);
  BOOST_TEST(effects_of<request_payment>(paying)[0].series.value_or("") == "s-1");
  BOOST_TEST(effects_of<request_payment>(paying)[0].quote.lines.size() == 3u);
  s = step(s, payment_failed{}, ctx).state;
  const auto retried = say(s, ctx, {"Opnieuw betalen"});
  BOOST_REQUIRE(effects_of<request_payment>(retried).size() == 1u);
  BOOST_TEST(effects_of<request_payment>(retried)[0].series.value_or("") == "s-1");
}

BOOST_AUTO_TEST_SUITE_END()
