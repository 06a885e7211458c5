#pragma once
// The pure parts of `tutorbot chat` (design §7): what a line of the Chatwoot sandbox's
// transcript looks like in a terminal when WhatsApp shows it to the student, which choices
// a message offers, what a typed number picks, and which Stripe sandbox Checkout Session a
// message links to. No I/O; app/chat.cpp does the talking.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tutorbot::app::chat {

// One message of GET /sandbox/chatwoot/conversations/{c}/transcript.
struct transcript_line {
  std::int64_t id = 0;
  std::string from;  // student, bot, agent
  std::string content;
  std::string content_type;          // text, input_select, …
  std::vector<std::string> options;  // input_select item titles
  std::string error;                 // why WhatsApp refused it (undelivered lines)
};

struct transcript {
  std::int64_t conversation_id = 0;
  std::string status;  // pending (the bot answers), open (staff), resolved, snoozed
  std::vector<transcript_line> messages;
  std::vector<transcript_line> undelivered;
};

// The sandbox's transcript JSON; nullopt when it is not that shape.
std::optional<transcript> parse_transcript(std::string_view json_text);

// WhatsApp's inline formatting as a terminal shows it: *bold*, _italic_, ~strike~ become
// ANSI bold / italic / strike-through when `ansi`, and their markers disappear either way,
// as they do on WhatsApp; ```mono``` loses its fences. A marker counts only where WhatsApp
// takes it: the opening one at the start or after a non-alphanumeric character and before
// a non-space, the closing one after a non-space and before the end or a non-alphanumeric
// character, both on one line ("2*3*4", "snake_case_name" and "* item" stay as they are).
std::string render_inline(std::string_view text, bool ansi);

// The numbered options at the end of a text message, as the bot sends choices that do not
// fit WhatsApp's buttons or list (make_quick_reply's numbered_text): the last lines of the
// message numbered "1. …", "2. …", … in order. Empty when the message does not end so.
std::vector<std::string> numbered_options(std::string_view text);

// A message as the terminal shows it, and the choices a typed number picks from.
struct rendered_message {
  std::string text;                  // lines ending in '\n'
  std::vector<std::string> choices;  // input_select titles, else the numbered options
};
// "bot: " (or "agent: ", "you: ") before the first line, later lines indented to match,
// list lines ("- a", "* a") as "• a", the choices as "  [1] …" lines; `ansi` styles the
// sender too.
rendered_message render_message(const transcript_line& line, bool ansi);

// A line that is only a number (surrounding spaces allowed) picks that choice, counted
// from 1: its text, which is what a tap on WhatsApp sends. nullopt for anything else or a
// number out of range (the line is then sent as typed).
std::optional<std::string> pick_choice(const std::vector<std::string>& choices, std::string_view typed);

// A Checkout link of the Stripe sandbox (…/checkout/cs_…) in a message: the last one.
struct checkout_link {
  std::string url;         // as written, e.g. http://127.0.0.1:8090/checkout/cs_test_a1…
  std::string session_id;  // cs_…
};
std::optional<checkout_link> find_checkout_link(std::string_view text);

// What the student typed: a chat command or a message to send.
enum class command { none, quit, help, pay, fail, expire, unknown };
command parse_command(std::string_view typed);  // none: not starting with '/'

// The hosted page's answer to pay / fail / expire (the Checkout Session's JSON, or
// Stripe's error body) as one line for the terminal.
std::string describe_checkout_outcome(std::string_view action, int status, std::string_view json_text);

}  // namespace tutorbot::app::chat
