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

google_client_env::google_client_env(net::google_calendar_options options, seconds clock_offset,
                                     std::optional<std::string> subject)
    : clock_offset_(clock_offset.count()), client_work_(client_io_.get_executor()) {
  auto key = net::load_service_account(google_.key_path());
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
}

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
