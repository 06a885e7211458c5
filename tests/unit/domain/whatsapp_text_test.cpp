#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

#include "domain/whatsapp_text.hpp"

using namespace tutorbot::domain;

namespace {

bool starts_mid_sequence(const std::string& s) {
  return !s.empty() && (static_cast<unsigned char>(s.front()) & 0xC0) == 0x80;
}

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n') out += c;
  return out;
}

std::vector<std::string> opts(std::initializer_list<const char*> l) { return {l.begin(), l.end()}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(whatsapp_text)

BOOST_AUTO_TEST_CASE(formatting_wraps_text_in_markers) {
  BOOST_TEST(bold("Bob") == "*Bob*");
  BOOST_TEST(italic("Bob") == "_Bob_");
  BOOST_TEST(strike("Bob") == "~Bob~");
  BOOST_TEST(mono("Bob") == "```Bob```");
  BOOST_TEST(bold(italic("Bob")) == "*_Bob_*");
}

BOOST_AUTO_TEST_CASE(formatting_keeps_surrounding_whitespace_outside_the_markers) {
  BOOST_TEST(bold(" Bob de Vries\n") == " *Bob de Vries*\n");
  BOOST_TEST(bold("") == "");
  BOOST_TEST(bold("  ") == "  ");
}

BOOST_AUTO_TEST_CASE(lists_put_one_item_a_line) {
  BOOST_TEST(bulleted_list(opts({"wiskunde", "Engels"})) == "- wiskunde\n- Engels");
  BOOST_TEST(numbered_list(opts({"a", "b", "c"})) == "1. a\n2. b\n3. c");
  BOOST_TEST(numbered_list(opts({"x", "y"}), 4) == "4. x\n5. y");
  BOOST_TEST(numbered_list({}) == "");
}

BOOST_AUTO_TEST_CASE(neutralize_replaces_every_formatting_character_with_a_look_alike) {
  const auto safe = neutralize("*Bob* _x_ ~y~ `z`");
  BOOST_TEST(safe == "\u2217Bob\u2217 \u02CDx\u02CD \u223Cy\u223C \u02CBz\u02CB");
  BOOST_TEST(safe.find_first_of("*_~`") == std::string::npos);
  BOOST_TEST(count_code_points(safe) == count_code_points("*Bob* _x_ ~y~ `z`"));
}

BOOST_AUTO_TEST_CASE(a_name_with_asterisks_cannot_close_our_bold) {
  const auto text = bold(neutralize("*Bob*")) + " heeft een les";
  BOOST_TEST(std::count(text.begin(), text.end(), '*') == 2);
  BOOST_TEST(text.front() == '*');
}

BOOST_AUTO_TEST_CASE(valid_utf8_keeps_valid_text_and_replaces_each_malformed_byte) {
  for (std::string_view ok : {"", "Hoi", "Één les ✅ 👩‍🏫", "\U0010FFFF"}) BOOST_TEST(valid_utf8(ok) == ok);
  const std::string replacement = "\uFFFD";
  BOOST_TEST(valid_utf8("a\xD8n") == "a" + replacement + "n");                             // a lead without its tail
  BOOST_TEST(valid_utf8("\xC0\xAF") == replacement + replacement);                         // an overlong '/'
  BOOST_TEST(valid_utf8("\xED\xA0\x80") == replacement + replacement + replacement);       // a surrogate
  BOOST_TEST(valid_utf8("\xF4\x90\x80\x80") == replacement + replacement + replacement + replacement);  // > U+10FFFF
  BOOST_TEST(valid_utf8("\xE2\x82") == replacement + replacement);                          // cut short
  BOOST_TEST(valid_utf8("\x80x") == replacement + "x");                                      // a stray continuation
}

BOOST_AUTO_TEST_CASE(neutralize_leaves_ordinary_text_and_utf8_alone) {
  BOOST_TEST(neutralize("Zoë van 't Hof 👍") == "Zoë van 't Hof 👍");
}

BOOST_AUTO_TEST_CASE(code_points_count_characters_not_bytes) {
  BOOST_TEST(count_code_points("") == 0u);
  BOOST_TEST(count_code_points("abc") == 3u);
  BOOST_TEST(count_code_points("é") == 1u);            // 2 bytes
  BOOST_TEST(count_code_points("€") == 1u);            // 3 bytes
  BOOST_TEST(count_code_points("👍") == 1u);           // 4 bytes
  BOOST_TEST(count_code_points("e\u0301") == 2u);      // combining accent is its own code point
  BOOST_TEST(count_code_points("👍🏽") == 2u);          // skin tone modifier
}

BOOST_AUTO_TEST_CASE(shorten_keeps_text_within_the_limit_and_adds_an_ellipsis) {
  BOOST_TEST(shorten_with_ellipsis("kort", 5) == "kort");
  BOOST_TEST(shorten_with_ellipsis("abcdef", 5) == "abcd…");
  BOOST_TEST(shorten_with_ellipsis("abc defg", 5) == "abc…");  // trailing space trimmed
  BOOST_TEST(shorten_with_ellipsis("ééééé", 4) == "ééé…");
}

BOOST_AUTO_TEST_CASE(split_short_text_is_one_unchanged_part) {
  BOOST_TEST(split_message("Hallo!\n\nTot morgen.") == opts({"Hallo!\n\nTot morgen."}));
}

BOOST_AUTO_TEST_CASE(split_empty_or_blank_text_gives_no_parts) {
  BOOST_TEST(split_message("").empty());
  BOOST_TEST(split_message(" \n\n ").empty());
}

BOOST_AUTO_TEST_CASE(split_prefers_paragraph_boundaries_and_packs_paragraphs) {
  BOOST_TEST(split_message("aa\n\nbb\n\ncc", 6) == opts({"aa\n\nbb", "cc"}));
  BOOST_TEST(split_message("aaa\n\nbbb", 5) == opts({"aaa", "bbb"}));
}

BOOST_AUTO_TEST_CASE(split_paragraph_boundary_beats_a_later_line_break) {
  BOOST_TEST(split_message("aa\n\nbb\ncc dd", 9) == opts({"aa", "bb\ncc dd"}));
}

BOOST_AUTO_TEST_CASE(split_falls_back_to_line_boundaries) {
  BOOST_TEST(split_message("aaaa\nbbbb cccc", 9) == opts({"aaaa", "bbbb cccc"}));
}

BOOST_AUTO_TEST_CASE(split_falls_back_to_word_boundaries) {
  BOOST_TEST(split_message("one two three", 8) == opts({"one two", "three"}));
}

BOOST_AUTO_TEST_CASE(split_cuts_a_word_longer_than_the_limit) {
  BOOST_TEST(split_message("abcdefghij", 4) == opts({"abcd", "efgh", "ij"}));
}

BOOST_AUTO_TEST_CASE(split_never_cuts_inside_a_utf8_sequence) {
  BOOST_TEST(split_message("ééééé", 2) == opts({"éé", "éé", "é"}));
  BOOST_TEST(split_message("👍👍👍", 2) == opts({"👍👍", "👍"}));
}

BOOST_AUTO_TEST_CASE(split_keeps_an_emoji_with_its_skin_tone) {
  BOOST_TEST(split_message("ab👍🏽", 3) == opts({"ab", "👍🏽"}));
}

BOOST_AUTO_TEST_CASE(split_counts_code_points_not_bytes) {
  // 10 × "é" is 20 bytes but 10 characters: fits a 10 limit.
  std::string text;
  for (int i = 0; i < 10; ++i) text += "é";
  BOOST_TEST(split_message(text, 10).size() == 1u);
}

BOOST_AUTO_TEST_CASE(split_default_limit_is_whatsapps_4096) {
  std::string text;
  while (count_code_points(text) < 10000) text += "woord ";
  const auto parts = split_message(text);
  BOOST_TEST(parts.size() == 3u);
  for (const auto& p : parts) BOOST_TEST(count_code_points(p) <= 4096u);
}

BOOST_AUTO_TEST_CASE(split_random_texts_keep_every_rule) {
  const std::vector<std::string> pieces{"a", "bb", "é", "€", "👍", " ", " ", "\n", "\n\n", "lesje", "Zoë"};
  std::mt19937 rng(20260312);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int n = std::uniform_int_distribution<int>(0, 60)(rng);
    for (int i = 0; i < n; ++i)
      text += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(rng)];
    const auto limit = std::uniform_int_distribution<std::size_t>(1, 12)(rng);
    const auto parts = split_message(text, limit);
    std::string joined;
    for (const auto& p : parts) {
      BOOST_TEST_REQUIRE(!p.empty());
      BOOST_TEST_REQUIRE(count_code_points(p) <= limit);
      BOOST_TEST_REQUIRE(!starts_mid_sequence(p));
      BOOST_TEST_REQUIRE(without_spaces(p).size() > 0u);
      joined += p;
    }
    BOOST_TEST_REQUIRE(without_spaces(joined) == without_spaces(text), "text: " << text);
  }
}

BOOST_AUTO_TEST_CASE(three_short_options_become_buttons) {
  const auto r = make_quick_reply("Wat wil je doen?", opts({"Proefles", "Les boeken", "Mijn lessen"}));
  BOOST_TEST(to_string(r.style) == "buttons");
  BOOST_TEST(r.titles == r.options);
}

BOOST_AUTO_TEST_CASE(button_titles_are_counted_in_characters) {
  // 20 characters, 22 bytes.
  const auto r = make_quick_reply("Kies", opts({"Één les van 60 min.!", "Nee"}));
  BOOST_TEST(count_code_points(r.options[0]) == 20u);
  BOOST_TEST((r.style == reply_style::buttons));
}

BOOST_AUTO_TEST_CASE(three_options_with_a_title_over_20_characters_are_numbered_text_not_a_list) {
  // Chatwoot sends three items as buttons whatever their length, and WhatsApp refuses a
  // button title over 20.
  const auto r = make_quick_reply("Kies", opts({"Ja", "Nee", "Liever met een persoon"}));  // 22
  BOOST_TEST((r.style == reply_style::numbered_text));
  BOOST_TEST(r.titles.empty());
  BOOST_TEST((make_quick_reply("Kies", opts({"do 10 dec 15:00–16:00"})).style == reply_style::numbered_text));
}

BOOST_AUTO_TEST_CASE(four_options_with_a_title_over_20_characters_are_a_list) {
  const auto r = make_quick_reply("Kies", opts({"Ja", "Nee", "Misschien", "Liever met een persoon"}));
  BOOST_TEST((r.style == reply_style::list));
  BOOST_TEST(r.titles == r.options);
}

BOOST_AUTO_TEST_CASE(four_to_ten_options_become_a_list_and_eleven_numbered_text) {
  std::vector<std::string> ten;
  for (int i = 1; i <= 10; ++i) ten.push_back("Optie " + std::to_string(i));
  BOOST_TEST((make_quick_reply("Kies", opts({"a", "b", "c", "d"})).style == reply_style::list));
  BOOST_TEST((make_quick_reply("Kies", ten).style == reply_style::list));
  ten.push_back("Optie 11");
  const auto eleven = make_quick_reply("Kies", ten);
  BOOST_TEST((eleven.style == reply_style::numbered_text));
  BOOST_TEST(eleven.titles.empty());
}

BOOST_AUTO_TEST_CASE(long_titles_are_shortened_when_they_stay_distinct) {
  const auto r = make_quick_reply(
      "Kies een tijd", opts({"di 12 mrt 16:00–17:00 bij Anouk", "wo 13 mrt 09:00–10:00 bij Anouk",
                             "do 14 mrt 09:00–10:00 bij Anouk", "Terug"}));
  BOOST_TEST((r.style == reply_style::list));
  BOOST_TEST(r.titles[0] == "di 12 mrt 16:00–17:00 b…");
  for (const auto& t : r.titles) BOOST_TEST(count_code_points(t) <= 24u);
}

BOOST_AUTO_TEST_CASE(long_titles_that_would_collide_fall_back_to_numbered_text) {
  const auto r = make_quick_reply(
      "Kies een pakket", opts({"Pakket van 4 lessen van 60 minuten", "Pakket van 4 lessen van 90 minuten"}));
  BOOST_TEST((r.style == reply_style::numbered_text));
}

BOOST_AUTO_TEST_CASE(duplicate_or_blank_options_fall_back_to_numbered_text) {
  BOOST_TEST((make_quick_reply("Kies", opts({"Ja", "ja "})).style == reply_style::numbered_text));
  BOOST_TEST((make_quick_reply("Kies", opts({"Ja", " "})).style == reply_style::numbered_text));
}

BOOST_AUTO_TEST_CASE(empty_or_overlong_prompt_falls_back_to_numbered_text) {
  BOOST_TEST((make_quick_reply("", opts({"Ja", "Nee"})).style == reply_style::numbered_text));
  const std::string long_prompt(1025, 'x');
  BOOST_TEST((make_quick_reply(long_prompt, opts({"Ja", "Nee"})).style == reply_style::numbered_text));
}

BOOST_AUTO_TEST_CASE(numbered_text_is_always_there_with_full_option_texts) {
  const auto r = make_quick_reply("Wat wil je doen?", opts({"Proefles", "Les boeken"}));
  BOOST_TEST(r.numbered_text == "Wat wil je doen?\n\n1. Proefles\n2. Les boeken");
  const auto shortened = make_quick_reply(
      "Kies", opts({"di 12 mrt 16:00–17:00 bij Anouk", "wo 13 mrt 09:00–10:00 bij Anouk"}));
  BOOST_TEST(shortened.numbered_text ==
             "Kies\n\n1. di 12 mrt 16:00–17:00 bij Anouk\n2. wo 13 mrt 09:00–10:00 bij Anouk");
}

BOOST_AUTO_TEST_CASE(reply_matches_a_title_ignoring_case_diacritics_and_spaces) {
  const auto r = make_quick_reply("Kies", opts({"Proefles", "Één les", "Praat met  een persoon"}));
  BOOST_TEST((match_reply(r, "proefles") == std::optional<std::size_t>{0}));
  BOOST_TEST((match_reply(r, "  EEN LES ") == std::optional<std::size_t>{1}));
  BOOST_TEST((match_reply(r, "praat met een persoon") == std::optional<std::size_t>{2}));
  BOOST_TEST(!match_reply(r, "proefles graag").has_value());
}

BOOST_AUTO_TEST_CASE(reply_matches_an_option_number) {
  const auto r = make_quick_reply("Kies", opts({"a", "b", "c"}));
  for (const char* text : {"2", "2.", " 2 ", "2)"})
    BOOST_TEST((match_reply(r, text) == std::optional<std::size_t>{1}), text);
  BOOST_TEST(!match_reply(r, "0").has_value());
  BOOST_TEST(!match_reply(r, "4").has_value());
  BOOST_TEST(!match_reply(r, "").has_value());
  BOOST_TEST(!match_reply(r, "2 3").has_value());
}

BOOST_AUTO_TEST_CASE(reply_matches_a_shortened_title_and_the_full_option) {
  const auto r = make_quick_reply("Kies", opts({"di 12 mrt 16:00–17:00 bij Anouk", "wo 13 mrt 09:00–10:00 bij Anouk",
                                                "do 14 mrt 09:00–10:00 bij Anouk", "Terug"}));
  BOOST_REQUIRE((r.style == reply_style::list));
  BOOST_TEST((match_reply(r, "wo 13 mrt 09:00–10:00 b…") == std::optional<std::size_t>{1}));
  BOOST_TEST((match_reply(r, "Wo 13 mrt 09:00–10:00 bij Anouk") == std::optional<std::size_t>{1}));
}

BOOST_AUTO_TEST_CASE(reply_matches_emoji_titles_with_or_without_variation_selector) {
  const auto r = make_quick_reply("Kies", opts({"\u2764\ufe0f Ja", "Nee"}));
  BOOST_TEST((match_reply(r, "\u2764 ja") == std::optional<std::size_t>{0}));
}

BOOST_AUTO_TEST_CASE(fold_for_matching_normalizes_what_people_type) {
  BOOST_TEST(fold_for_matching("  Één  Les ") == "een les");
  BOOST_TEST(fold_for_matching("Ĳsselmeer Straße") == "ijsselmeer strasse");
  BOOST_TEST(fold_for_matching("e\u0301e\u0300") == "ee");  // decomposed accents
  BOOST_TEST(fold_for_matching("Zoë 👍") == "zoe 👍");
}

BOOST_AUTO_TEST_CASE(a_refusal_for_the_closed_window_is_known_by_meta_s_code) {
  BOOST_TEST(refused_outside_window("131047: Re-engagement message"));
  BOOST_TEST(refused_outside_window("(#131047) Message failed to send because more than 24 hours have passed"));
  BOOST_TEST(!refused_outside_window("131026: Message undeliverable"));
  BOOST_TEST(!refused_outside_window("(#132001) Template name does not exist in the translation"));
  BOOST_TEST(!refused_outside_window("1310470: some other code"));
  BOOST_TEST(!refused_outside_window("2131047"));
  BOOST_TEST(!refused_outside_window(""));
}

BOOST_AUTO_TEST_SUITE_END()
