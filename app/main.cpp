#include <iostream>

#include "app/commands.hpp"

int main(int argc, char** argv) {
  using namespace tutorbot::app;
  std::vector<std::string> args(argv + 1, argv + argc);
  cli_options options;
  std::string error;
  if (!parse_cli(args, options, error)) {
    std::cerr << error << "\n\n" << usage();
    return 64;  // EX_USAGE
  }
  if (options.command == "help") {
    std::cout << usage();
    return 0;
  }
  if (options.command == "serve") return run_serve(options);
  if (options.command == "migrate") return run_migrate(options);
  if (options.command == "sandbox") return run_sandbox_command(options);
  if (options.command == "chat") return run_chat_command(args);
  return run_check_config(options);
}
