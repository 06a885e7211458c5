#pragma once
// `tutorbot chat` (design §7): a terminal in which a person is the WhatsApp student of the
// Chatwoot sandbox (CHATWOOT_BASE_URL, loopback only), talking to whatever answers there —
// normally `tutorbot serve` — and pressing the Stripe sandbox's hosted Checkout buttons
// (STRIPE_API_BASE) for the payment links the bot sends. Pure parts: app/chat_render.hpp.
#include <string>
#include <vector>

namespace tutorbot::app {

struct chat_options {
  std::string phone = "+31612345678";
  std::string name = "Student";
  std::string email;  // "" → none
  std::string maildir;  // the sandbox SMTP server's Maildir: new e-mails are shown; "" → none
};

// args as main sees them, args[0] == "chat": [--phone P] [--name N] [--email E] [--maildir DIR]
// (also --opt=value; --config DIR is accepted and not used). False with `error` on a
// usage error.
bool parse_chat_args(const std::vector<std::string>& args, chat_options& out, std::string& error);

// Exit 0 on /quit or end of input, 1 when the sandbox cannot be reached, 2 when
// CHATWOOT_BASE_URL is not a loopback URL or the sandbox refuses the phone or e-mail,
// 64 on a usage error.
int run_chat_command(const std::vector<std::string>& args);

}  // namespace tutorbot::app
