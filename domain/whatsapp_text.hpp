#pragma once
// Text for WhatsApp as Chatwoot delivers it: inline formatting, lists, safe embedding of
// user-provided text, splitting long messages, and quick-reply options within WhatsApp's
// interactive-message limits.
//
// Counting: WhatsApp's limits (4,096 for a text body, 1,024 for an interactive body, 20
// per button title, 24 per list row title) are counted here in Unicode code points of
// the UTF-8 text. An emoji with a skin tone or a ZWJ family counts as several, which only
// errs on the safe side of "characters as a person sees them". Malformed UTF-8 is not
// repaired: every byte that is not a continuation byte counts as one.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tutorbot::domain {

// ---- formatting -------------------------------------------------------------------------
// *bold*, _italic_, ~strike~, ```mono```. Leading and trailing whitespace stays outside the
// markers (WhatsApp ignores "* Bob *"); text that is empty or only whitespace is returned
// as is. These do not neutralize their argument: wrap user text as bold(neutralize(name)).
std::string bold(std::string_view text);
std::string italic(std::string_view text);
std::string strike(std::string_view text);
std::string mono(std::string_view text);

// "- a\n- b" (WhatsApp's own bullet syntax) and "1. a\n2. b", one item a line.
std::string bulleted_list(const std::vector<std::string>& items);
std::string numbered_list(const std::vector<std::string>& items, int first = 1);

// User-provided text (names, goals) made inert: each formatting character is replaced by
// a look-alike that WhatsApp does not parse — '*' → '∗' (U+2217), '_' → 'ˍ' (U+02CD),
// '~' → '∼' (U+223C), '`' → 'ˋ' (U+02CB). Replacing beats inserting invisible joiners,
// whose handling differs between WhatsApp clients. Not for text a person must copy
// exactly (an e-mail address with '_'): show such text unformatted, outside markers.
std::string neutralize(std::string_view user_text);

// ---- UTF-8 ------------------------------------------------------------------------------
std::size_t count_code_points(std::string_view text);

// The text with every malformed UTF-8 sequence (a stray byte, an overlong form, a
// surrogate, beyond U+10FFFF, cut short) replaced by U+FFFD, byte by byte; valid text is
// returned unchanged. What a student wrote is kept in JSON, which holds only valid UTF-8.
std::string valid_utf8(std::string_view text);

// At most `limit` code points; a longer text keeps limit-1 code points (trailing spaces
// trimmed) followed by '…'. Never cuts inside a UTF-8 sequence.
std::string shorten_with_ellipsis(std::string_view text, std::size_t limit);

// Parts of at most `limit` code points (limit 0 is taken as 1), cut at the last paragraph
// boundary (blank line) that fits, else the last line break, else the last space, else
// at the limit — never inside a UTF-8 sequence, and not before a combining mark, variation
// selector, skin tone or after a zero-width joiner when an earlier cut exists. Whitespace
// at a cut is dropped; no part is empty or only whitespace. Text within the limit comes
// back unchanged as one part; an empty or all-whitespace text gives no parts.
std::vector<std::string> split_message(std::string_view text, std::size_t limit = 4096);

inline constexpr std::size_t whatsapp_text_limit = 4096;
inline constexpr std::size_t whatsapp_interactive_body_limit = 1024;
inline constexpr std::size_t whatsapp_max_buttons = 3;
inline constexpr std::size_t whatsapp_button_title_limit = 20;
inline constexpr std::size_t whatsapp_max_list_rows = 10;
inline constexpr std::size_t whatsapp_list_title_limit = 24;

// Whether Meta refused a message because the 24-hour customer-service window had closed
// (error 131047 "Re-engagement message", as Chatwoot reports it in external_error: "131047:
// Re-engagement message" from a status update, "(#131047) …" from the send itself): only an
// approved template may reach the student then.
bool refused_outside_window(std::string_view external_error);

// ---- quick replies ----------------------------------------------------------------------
enum class reply_style {
  buttons,        // ≤ 3 options, titles ≤ 20: reply buttons
  list,           // 4 to 10 options, titles ≤ 24 (possibly shortened with '…'): a list
  numbered_text,  // anything else: plain "1. …" text, the student types a number or title
};
std::string_view to_string(reply_style style);

struct quick_reply {
  reply_style style = reply_style::numbered_text;
  std::string prompt;
  std::vector<std::string> options;  // as given, in order; what a choice refers to
  // What WhatsApp shows (and sends back on a tap) for each option: the option or its
  // shortened form; empty when style == numbered_text.
  std::vector<std::string> titles;
  // prompt, blank line, "1. …\n2. …" with the full option texts. Always filled: for
  // channels without interactive messages, and when an interactive send fails.
  std::string numbered_text;
};

// Buttons when ≤ 3 options all fit 20; else a list when 4 to 10 options all fit 24 — as
// they are, or shortened with '…' if the shortened titles stay distinct; else numbered
// text. Never a list of 3 or fewer: Chatwoot's input_select has no style and sends up to
// three items as buttons, whose 20-character limit WhatsApp enforces (reference/README).
// Also numbered text when there are no options, an option is blank, two options are
// equal for match_reply (then a title could not tell them apart), or the prompt is
// empty or longer than WhatsApp's interactive body limit.
quick_reply make_quick_reply(std::string_view prompt, std::vector<std::string> options);

// The index of the option a reply chooses: a shown title or full option text compared
// by fold_for_matching, or its number ("2", "2.", "2)", " 2 "), counted from 1.
std::optional<std::size_t> match_reply(const quick_reply& reply, std::string_view text);

// Trimmed, inner whitespace collapsed to one space, lower case, Latin diacritics removed
// ("  Één  Les " → "een les"), U+FE0F dropped. For comparing what a person typed.
std::string fold_for_matching(std::string_view text);

}  // namespace tutorbot::domain
