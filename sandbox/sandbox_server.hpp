#pragma once
// `tutorbot sandbox`: the local emulators of the outside services in one process, each on
// its own port (Stripe 8090 and Chatwoot 8092 join the Google Calendar sandbox later).
#include <string>

namespace tutorbot::sandbox {

struct sandbox_options {
  std::string host = "127.0.0.1";
  unsigned short google_port = 8091;  // 0: any free port (logged)
  std::string service_account_json_path;  // GCAL_SERVICE_ACCOUNT_JSON
};

// Runs in the foreground until SIGINT or SIGTERM; then lets answers in flight finish and
// returns 0. Returns 1, after logging why, when a sandbox cannot start (bad key file,
// port taken).
int run_sandbox(const sandbox_options& options);

}  // namespace tutorbot::sandbox
