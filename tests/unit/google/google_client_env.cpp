#include "tests/unit/google/google_client_env.hpp"

#include <cstdlib>
#include <random>
#include <stdexcept>

#include <boost/asio/ip/tcp.hpp>

#include "net/base32hex.hpp"

namespace tutorbot::testing {

namespace asio = boost::asio;
using namespace std::chrono;

net::google_calendar_options fast_calendar_options() {
  net::google_calendar_options options;
  options.backoff = {milliseconds{1}, milliseconds{8}, 5};
  options.attempt_timeout = milliseconds{3000};
  options.deadline = milliseconds{10000};
  return options;
}

namespace {
// http_server takes its routes at construction, but the key file (and so the sandbox)
// needs the port in its token_uri: reserve an ephemeral port first, then bind it again.
unsigned short free_loopback_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}
}  // namespace

google_client_env::google_client_env(net::google_calendar_options options, seconds clock_offset,
                                     std::optional<std::string> subject)
    : clock_offset_(clock_offset.count()),
      server_work_(server_io_.get_executor()),
      client_work_(client_io_.get_executor()) {
  dir_ = std::filesystem::temp_directory_path() / ("google_client_" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir_);
  key_path_ = (dir_ / "sa.json").string();
  port_ = free_loopback_port();
  std::string command = std::string(TUTORBOT_SOURCE_DIR) + "/scripts/make_service_account.sh " + key_path_ +
                        " http://127.0.0.1:" + std::to_string(port_) + "/token";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);

  sandbox_ = std::make_unique<sandbox::google_calendar_sandbox>(key_path_);
  net::router routes;
  sandbox_->add_routes(routes);
  net::server_options server_options;
  server_options.port = port_;
  server_ = std::make_unique<net::http_server>(server_io_, server_options, std::move(routes), metrics_);
  server_->start();
  server_thread_ = std::thread([this] { server_io_.run(); });

  auto key = net::load_service_account(key_path_);
  if (auto* error = std::get_if<net::key_file_error>(&key)) throw std::runtime_error(error->message);
  http_ = std::make_unique<net::http_client>(client_io_);
  net::google_auth_options auth_options;
  auth_options.subject = std::move(subject);
  auth_options.now = [this] { return system_clock::now() + seconds{clock_offset_.load()}; };
  auth_ = std::make_unique<net::google_auth>(*http_, std::get<net::service_account_key>(key), auth_options);
  options.base_url = base_url();
  calendar_ = std::make_unique<net::google_calendar_client>(client_io_, *http_, *auth_, options);
  client_thread_ = std::thread([this] { client_io_.run(); });
}

google_client_env::~google_client_env() {
  calendar_.reset();
  http_->shutdown();
  client_work_.reset();
  client_io_.stop();
  client_thread_.join();
  auto drained = std::make_shared<std::promise<void>>();
  auto done = drained->get_future();
  server_->shutdown([drained] { drained->set_value(); });
  done.wait_for(seconds{5});
  server_work_.reset();
  server_io_.stop();
  server_thread_.join();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string google_client_env::base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/calendar/v3"; }

net::event_result google_client_env::insert(const std::string& calendar_id, const net::calendar_event_spec& spec,
                                            net::send_updates updates) {
  auto promise = std::make_shared<std::promise<net::event_result>>();
  calendar_->insert_event(calendar_id, spec, updates, [promise](net::event_result r) { promise->set_value(std::move(r)); });
  return await(promise->get_future());
}

net::event_result google_client_env::get(const std::string& calendar_id, const std::string& event_id) {
  auto promise = std::make_shared<std::promise<net::event_result>>();
  calendar_->get_event(calendar_id, event_id, [promise](net::event_result r) { promise->set_value(std::move(r)); });
  return await(promise->get_future());
}

net::event_result google_client_env::patch(const std::string& calendar_id, const std::string& event_id,
                                           net::calendar_event_times times) {
  auto promise = std::make_shared<std::promise<net::event_result>>();
  calendar_->patch_event(calendar_id, event_id, times, net::send_updates::none,
                         [promise](net::event_result r) { promise->set_value(std::move(r)); });
  return await(promise->get_future());
}

net::delete_result google_client_env::remove(const std::string& calendar_id, const std::string& event_id) {
  auto promise = std::make_shared<std::promise<net::delete_result>>();
  calendar_->delete_event(calendar_id, event_id, net::send_updates::none,
                          [promise](net::delete_result r) { promise->set_value(std::move(r)); });
  return await(promise->get_future());
}

net::free_busy_result google_client_env::free_busy(std::vector<std::string> ids, sys_seconds from, sys_seconds to) {
  auto promise = std::make_shared<std::promise<net::free_busy_result>>();
  calendar_->free_busy(std::move(ids), from, to, [promise](net::free_busy_result r) { promise->set_value(std::move(r)); });
  return await(promise->get_future());
}

net::calendar_event_spec lesson_spec(const std::string& booking_uuid, sys_seconds start) {
  net::calendar_event_spec spec;
  spec.id = net::event_id_for_booking(booking_uuid).value();
  spec.summary = "Bijles wiskunde — Sanne";
  spec.description = "Intake: vwo 5, wiskunde B, toets over integralen";
  spec.start = start;
  spec.end = start + hours{1};
  spec.time_zone = "Europe/Amsterdam";
  spec.reminder_minutes = {60, 1440};
  spec.private_properties = {{"booking_id", booking_uuid}};
  return spec;
}

}  // namespace tutorbot::testing
