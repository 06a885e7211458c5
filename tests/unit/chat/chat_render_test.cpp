// `tutorbot chat`'s pure parts: WhatsApp formatting in a terminal, choices (input_select
// titles and the bot's numbered text), picking one by number, the Stripe sandbox's
// Checkout links, the chat's commands and the payment page's answers.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "app/chat.hpp"
#include "app/chat_render.hpp"
#include "domain/whatsapp_text.hpp"

using namespace tutorbot;
using namespace tutorbot::app::chat;
using strings = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(chat_render)

BOOST_AUTO_TEST_CASE(bold_italic_and_strike_lose_their_markers_and_become_ansi_on_a_terminal) {
  BOOST_TEST(render_inline("Hoi *Sanne*, kies _een_ ~oude~ tijd", false) == "Hoi Sanne, kies een oude tijd");
  BOOST_TEST(render_inline("Hoi *Sanne*, kies _een_ ~oude~ tijd", true) ==
             "Hoi \x1b[1mSanne\x1b[22m, kies \x1b[3meen\x1b[23m \x1b[9moude\x1b[29m tijd");
  BOOST_TEST(render_inline("*_both_*", true) == "\x1b[1m\x1b[3mboth\x1b[23m\x1b[22m");
  BOOST_TEST(render_inline("*60-minute lesson*", false) == "60-minute lesson");
  BOOST_TEST(render_inline("(*bold*).", false) == "(bold).");
  BOOST_TEST(render_inline("```code *not bold*```", false) == "code *not bold*");
}

BOOST_AUTO_TEST_CASE(markers_where_whatsapp_ignores_them_stay) {
  for (const std::string text : {"2*3*4", "snake_case_name", "* item", "a * b * c", "*open", "* spaced *",
                                 "**", "*across\nlines*", "cs_test_a1_b2", "e-mail: jan_de_vries@example.nl"})
    BOOST_TEST(render_inline(text, true) == text);
}

BOOST_AUTO_TEST_CASE(the_whatsapp_helpers_output_renders_as_intended) {
  BOOST_TEST(render_inline(domain::bold("Anna") + " " + domain::italic("Bram"), false) == "Anna Bram");
  // Neutralized user text has no markers left to interpret.
  const auto name = domain::neutralize("*Jan*");
  BOOST_TEST(render_inline(domain::bold(name), false) == name);
}

BOOST_AUTO_TEST_CASE(numbered_options_are_the_trailing_list_numbered_from_1) {
  const auto reply = domain::make_quick_reply(
      "Which time?", {"Tuesday 10 March 2026 at 14:00 with Anna", "Tuesday 10 March 2026 at 15:00 with Anna",
                      "Tuesday 10 March 2026 at 16:00 with Bram"});  // alike when shortened: numbered text
  BOOST_REQUIRE(reply.style == domain::reply_style::numbered_text);
  BOOST_TEST(numbered_options(reply.numbered_text) == reply.options);
  BOOST_TEST(numbered_options("Pick:\n1. a\r\n2. b\n\n") == (strings{"a", "b"}));
  BOOST_TEST(numbered_options("Steps:\n1. a\n2. b\nThat is all.").empty());
  BOOST_TEST(numbered_options("Pick:\n2. a\n3. b").empty());
  BOOST_TEST(numbered_options("Pick:\n1. a\n3. b").empty());
  BOOST_TEST(numbered_options("In 2024. we").empty());
  BOOST_TEST(numbered_options("").empty());
}

BOOST_AUTO_TEST_CASE(an_input_select_shows_its_titles_as_numbered_choices) {
  transcript_line line{7, "bot", "Hoi *Sanne*! Wat wil je doen?", "input_select", {"Les boeken", "Mijn lessen"}, {}};
  const auto r = render_message(line, false);
  BOOST_TEST(r.text == "bot: Hoi Sanne! Wat wil je doen?\n  [1] Les boeken\n  [2] Mijn lessen\n");
  BOOST_TEST(r.choices == (strings{"Les boeken", "Mijn lessen"}));
}

BOOST_AUTO_TEST_CASE(numbered_text_becomes_choices_and_other_lines_are_indented_under_the_sender) {
  transcript_line line{8, "bot", "*Tijden*\n- met Anna\n\n1. di 14:00\n2. wo 09:30\n", "text", {}, {}};
  const auto r = render_message(line, false);
  BOOST_TEST(r.text == "bot: Tijden\n     \u2022 met Anna\n  [1] di 14:00\n  [2] wo 09:30\n");
  BOOST_TEST(r.choices == (strings{"di 14:00", "wo 09:30"}));

  transcript_line agent{9, "agent", "Hallo,\n\nik ben Eva.", "text", {}, {}};
  BOOST_TEST(render_message(agent, false).text == "agent: Hallo,\n\n       ik ben Eva.\n");
  BOOST_TEST(render_message(agent, false).choices.empty());
  transcript_line student{10, "student", "hoi", "text", {}, {}};
  BOOST_TEST(render_message(student, false).text == "you: hoi\n");
  transcript_line empty{11, "bot", "", "input_select", {"Ja"}, {}};
  BOOST_TEST(render_message(empty, false).text == "bot:\n  [1] Ja\n");
}

BOOST_AUTO_TEST_CASE(on_a_terminal_the_sender_is_coloured_and_the_text_styled) {
  transcript_line line{7, "bot", "*Ja*", "text", {}, {}};
  BOOST_TEST(render_message(line, true).text == "\x1b[36mbot:\x1b[39m \x1b[1mJa\x1b[22m\n");
}

BOOST_AUTO_TEST_CASE(a_number_alone_picks_that_choice_and_anything_else_is_sent_as_typed) {
  const strings choices{"60 minuten", "90 minuten", "Proefles"};
  BOOST_TEST(pick_choice(choices, "2").value_or("") == "90 minuten");
  BOOST_TEST(pick_choice(choices, " 3 ").value_or("") == "Proefles");
  BOOST_TEST(pick_choice(choices, "1\r").value_or("") == "60 minuten");
  BOOST_TEST(!pick_choice(choices, "0"));
  BOOST_TEST(!pick_choice(choices, "4"));
  BOOST_TEST(!pick_choice(choices, "2."));
  BOOST_TEST(!pick_choice(choices, "2 lessen"));
  BOOST_TEST(!pick_choice(choices, ""));
  BOOST_TEST(!pick_choice(choices, "99999999999999999999"));
  BOOST_TEST(!pick_choice({}, "1"));
}

BOOST_AUTO_TEST_CASE(the_last_checkout_link_of_the_stripe_sandbox_is_found) {
  const std::string text =
      "*60 minuten les*\nTotaal: €45,00\n\nBetaal hier met iDEAL of kaart:\n"
      "http://127.0.0.1:8090/checkout/cs_test_a1B2c3D4\n\nIk houd de tijd voor je vast tot 14:30.";
  auto link = find_checkout_link(text);
  BOOST_REQUIRE(link);
  BOOST_TEST(link->session_id == "cs_test_a1B2c3D4");
  BOOST_TEST(link->url == "http://127.0.0.1:8090/checkout/cs_test_a1B2c3D4");

  link = find_checkout_link("old (http://h/checkout/cs_test_old) new: http://h/checkout/cs_test_new.");
  BOOST_REQUIRE(link);
  BOOST_TEST(link->session_id == "cs_test_new");
  BOOST_TEST(link->url == "http://h/checkout/cs_test_new");
  BOOST_TEST(find_checkout_link("(http://h/checkout/cs_test_x1)")->url == "http://h/checkout/cs_test_x1");

  BOOST_TEST(!find_checkout_link("no link here"));
  BOOST_TEST(!find_checkout_link("http://h/checkout/pi_123"));
  BOOST_TEST(!find_checkout_link("http://h/checkout/cs_"));
}

BOOST_AUTO_TEST_CASE(commands_start_with_a_slash) {
  BOOST_TEST((parse_command("/quit") == command::quit));
  BOOST_TEST((parse_command(" /EXIT ") == command::quit));
  BOOST_TEST((parse_command("/help") == command::help));
  BOOST_TEST((parse_command("/pay") == command::pay));
  BOOST_TEST((parse_command("/fail") == command::fail));
  BOOST_TEST((parse_command("/expire") == command::expire));
  BOOST_TEST((parse_command("/paid") == command::unknown));
  BOOST_TEST((parse_command("pay") == command::none));
  BOOST_TEST((parse_command("1/2 uur") == command::none));
}

BOOST_AUTO_TEST_CASE(the_payment_pages_answers_read_as_one_line) {
  BOOST_TEST(describe_checkout_outcome("pay", 200, R"({"id":"cs_1","status":"complete","payment_status":"paid"})") ==
             "payment page: paid — the Checkout Session is complete");
  BOOST_TEST(describe_checkout_outcome("fail", 200, R"({"status":"open","payment_status":"unpaid"})") ==
             "payment page: card declined — the Checkout Session stays open (/pay tries again)");
  BOOST_TEST(describe_checkout_outcome("expire", 200, R"({"status":"expired","payment_status":"unpaid"})") ==
             "payment page: the Checkout Session expired");
  BOOST_TEST(describe_checkout_outcome("pay", 400, R"({"error":{"message":"No longer open.","type":"invalid_request_error"}})") ==
             "payment page: pay refused (HTTP 400): No longer open.");
  BOOST_TEST(describe_checkout_outcome("pay", 502, "Bad Gateway") == "payment page: pay refused (HTTP 502)");
}

BOOST_AUTO_TEST_CASE(the_sandboxs_transcript_parses) {
  auto t = parse_transcript(R"({"conversation_id": 4, "status": "pending", "labels": [],
    "messages": [{"id": 1, "from": "student", "content": "hoi", "content_type": "text", "options": []},
                 {"id": 2, "from": "bot", "content": "Kies", "content_type": "input_select", "options": ["A", "B"]}],
    "undelivered": [{"id": 3, "from": "bot", "content": "x", "content_type": "text", "options": [],
                     "error": "131047: Re-engagement message"}]})");
  BOOST_REQUIRE(t);
  BOOST_TEST(t->conversation_id == 4);
  BOOST_TEST(t->status == "pending");
  BOOST_REQUIRE(t->messages.size() == 2u);
  BOOST_TEST(t->messages[1].options == (strings{"A", "B"}));
  BOOST_REQUIRE(t->undelivered.size() == 1u);
  BOOST_TEST(t->undelivered[0].error == "131047: Re-engagement message");
  BOOST_TEST(!parse_transcript("{}"));
  BOOST_TEST(!parse_transcript("not json"));
  BOOST_TEST(!parse_transcript(R"({"conversation_id": 1, "messages": [{"from": "bot"}]})"));
}

BOOST_AUTO_TEST_CASE(chat_options_and_their_defaults) {
  app::chat_options o;
  std::string error;
  BOOST_REQUIRE(app::parse_chat_args({"chat"}, o, error));
  BOOST_TEST(o.phone == "+31612345678");
  BOOST_TEST(o.name == "Student");
  BOOST_TEST(o.email.empty());
  BOOST_REQUIRE(app::parse_chat_args({"chat", "--phone", "+31698765432", "--name=Sanne de Vries", "--email", "s@x.nl"},
                                     o, error));
  BOOST_TEST(o.phone == "+31698765432");
  BOOST_TEST(o.name == "Sanne de Vries");
  BOOST_TEST(o.email == "s@x.nl");
  BOOST_TEST(!app::parse_chat_args({"chat", "--phone"}, o, error));
  BOOST_TEST(error == "tutorbot chat: --phone needs a value");
  BOOST_TEST(!app::parse_chat_args({"chat", "--no-migrate"}, o, error));
  BOOST_TEST(error == "tutorbot chat: unexpected argument '--no-migrate'");
  BOOST_TEST(!app::parse_chat_args({"chat", "--name="}, o, error));
}

BOOST_AUTO_TEST_SUITE_END()
