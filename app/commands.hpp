#pragma once
// The command line of design §7, one function per command; each returns the exit code.
#include <string>
#include <vector>

namespace tutorbot::app {

struct cli_options {
  std::string command;
  std::string config_dir = "config";
  bool migrate_first = true;  // serve --no-migrate turns it off
};

// Parses argv; on a usage error prints it and returns nullopt-like empty command.
bool parse_cli(const std::vector<std::string>& args, cli_options& out, std::string& error);
std::string usage();

int run_serve(const cli_options& options);
int run_migrate(const cli_options& options);
int run_check_config(const cli_options& options);
int run_sandbox_command(const cli_options& options);
int run_chat_command(const std::vector<std::string>& args);  // args as main has them (app/chat.hpp)

}  // namespace tutorbot::app
