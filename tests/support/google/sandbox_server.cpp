#include "tests/support/google/sandbox_server.hpp"

#include <future>
#include <random>
#include <stdexcept>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "net/http_server.hpp"
#include "obs/metrics.hpp"
#include "tests/support/process.hpp"

namespace tutorbot::testing {

struct google_sandbox_server::impl {
  impl() : work(io.get_executor()) {}

  std::filesystem::path dir;
  std::string key_path;
  unsigned short port = 0;
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  obs::metrics metrics;
  std::unique_ptr<sandbox::google_calendar_sandbox> sandbox;
  std::unique_ptr<net::http_server> server;
  std::thread thread;
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
  net::server_options options;
  options.port = s.port;
  options.shutdown_grace = std::chrono::seconds(1);
  s.server = std::make_unique<net::http_server>(s.io, options, std::move(routes), s.metrics);
  s.server->start();
  s.thread = std::thread([&io = s.io] { io.run(); });
}

google_sandbox_server::~google_sandbox_server() {
  auto& s = *impl_;
  auto drained = std::make_shared<std::promise<void>>();
  auto done = drained->get_future();
  s.server->shutdown([drained] { drained->set_value(); });
  done.wait_for(std::chrono::seconds(5));
  s.work.reset();
  s.io.stop();
  s.thread.join();
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
