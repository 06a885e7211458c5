#pragma once
// The Google Calendar sandbox on its own loopback port, trusting a fresh service-account key
// whose token_uri points at it: what every Google test starts from.
#include <filesystem>
#include <memory>
#include <string>

#include "sandbox/google_sandbox.hpp"

namespace tutorbot::testing {

class google_sandbox_server {
 public:
  google_sandbox_server();
  ~google_sandbox_server();  // drains the server, then removes the key file
  google_sandbox_server(const google_sandbox_server&) = delete;
  google_sandbox_server& operator=(const google_sandbox_server&) = delete;

  unsigned short port() const;
  const std::string& key_path() const;
  std::string base_url() const;  // http://127.0.0.1:<port>/calendar/v3
  sandbox::google_calendar_sandbox& sandbox();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tutorbot::testing
