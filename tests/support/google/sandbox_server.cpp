#include "tests/support/google/sandbox_server.hpp"

#include <random>
#include <stdexcept>

#include "tests/support/loopback_server.hpp"
#include "tests/support/process.hpp"

namespace tutorbot::testing {

struct google_sandbox_server::impl {
  std::filesystem::path dir;
  std::string key_path;
  unsigned short port = 0;
  std::unique_ptr<sandbox::google_calendar_sandbox> sandbox;
  std::unique_ptr<loopback_server> server;
};

google_sandbox_server::google_sandbox_server() : impl_(std::make_unique<impl>()) {
  auto& s = *impl_;
  s.dir = std::filesystem::temp_directory_path() / ("google-sandbox-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(s.dir);
  s.key_path = (s.dir / "sa.json").string();
  // The key names the token endpoint, so the port is chosen before the server exists.
  s.port = free_port();
  auto command = std::string(TUTORBOT_SOURCE_DIR) + "/scripts/make_service_account.sh " + s.key_path +
                 " http://127.0.0.1:" + std::to_string(s.port) + "/token";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
  s.sandbox = std::make_unique<sandbox::google_calendar_sandbox>(s.key_path);
  net::router routes;
  s.sandbox->add_routes(routes);
  s.server = std::make_unique<loopback_server>(std::move(routes), s.port);
}

google_sandbox_server::~google_sandbox_server() {
  auto& s = *impl_;
  s.sandbox->release_delayed_answers();  // while the server can still write them
  s.server.reset();
  s.sandbox.reset();
  std::error_code ignored;
  std::filesystem::remove_all(s.dir, ignored);
}

unsigned short google_sandbox_server::port() const { return impl_->port; }
const std::string& google_sandbox_server::key_path() const { return impl_->key_path; }
std::string google_sandbox_server::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/calendar/v3";
}
sandbox::google_calendar_sandbox& google_sandbox_server::sandbox() { return *impl_->sandbox; }

}  // namespace tutorbot::testing
