#include "app/chat.hpp"
#include "app/commands.hpp"

namespace tutorbot::app {

std::string usage() {
  return "usage: tutorbot <command> [--config DIR]\n"
         "  serve [--no-migrate]  run the service; applies pending migrations first\n"
         "  migrate               apply schema migrations and exit\n"
         "  check-config          validate the configuration; exit 2 on problems\n"
         "  sandbox               run the local Stripe, Google Calendar and Chatwoot emulators\n"
         "  chat [--phone +316…] [--name N] [--email E] [--maildir DIR]\n"
         "                        be a WhatsApp student in this terminal, against the Chatwoot\n"
         "                        sandbox (CHATWOOT_BASE_URL) and a running service; with\n"
         "                        --maildir, the mails that land there are shown too\n"
         "  help                  this text\n"
         "--config DIR defaults to config/. Secrets and overrides come from the environment\n"
         "(DATABASE_URL, TUTORBOT_LISTEN, TUTORBOT_API_TOKEN, STRIPE_*, GCAL_*, CHATWOOT_*, SMTP_*).\n";
}

bool parse_cli(const std::vector<std::string>& args, cli_options& out, std::string& error) {
  if (args.empty()) {
    error = "tutorbot: no command given";
    return false;
  }
  out.command = args[0];
  if (out.command == "--help" || out.command == "-h") out.command = "help";
  if (out.command != "serve" && out.command != "migrate" && out.command != "check-config" && out.command != "sandbox" &&
      out.command != "chat" && out.command != "help") {
    error = "tutorbot: unknown command '" + out.command + "'";
    return false;
  }
  if (out.command == "chat") {  // its own options (app/chat.hpp); run_chat_command reads them again
    chat_options chat;
    return parse_chat_args(args, chat, error);
  }
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      out.config_dir = args[++i];
    } else if (args[i].rfind("--config=", 0) == 0) {
      out.config_dir = args[i].substr(9);
    } else if (args[i] == "--no-migrate" && out.command == "serve") {
      out.migrate_first = false;
    } else {
      error = "tutorbot " + out.command + ": unexpected argument '" + args[i] + "'";
      return false;
    }
  }
  return true;
}

}  // namespace tutorbot::app
