#pragma once
// One Google Calendar sandbox on a loopback port plus our client pointed at it, fresh for
// each test case: the server and the client each run their own io_context thread.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "net/google_auth.hpp"
#include "net/google_calendar.hpp"
#include "net/http_client.hpp"
#include "sandbox/google_sandbox.hpp"
#include "tests/support/google/sandbox_server.hpp"

namespace tutorbot::testing {

// Fast retries so no case waits on production backoff.
net::google_calendar_options fast_calendar_options();

class google_client_env {
 public:
  // `clock_offset`: where the client's injected clock starts relative to real time;
  // `subject`: the user to act as (domain-wide delegation), none by default.
  explicit google_client_env(net::google_calendar_options options = fast_calendar_options(),
                             std::chrono::seconds clock_offset = std::chrono::seconds{0},
                             std::optional<std::string> subject = std::nullopt);
  ~google_client_env();

  sandbox::google_calendar_sandbox& sandbox() { return google_.sandbox(); }
  net::google_calendar_client& calendar() { return *calendar_; }
  net::google_auth& auth() { return *auth_; }
  const std::string& key_path() const { return google_.key_path(); }
  std::string base_url() const { return google_.base_url(); }
  void set_clock_offset(std::chrono::seconds offset) { clock_offset_ = offset.count(); }

  // Blocking helpers for tests: the call's answer, or a test failure after 15 s.
  net::event_result insert(const std::string& calendar_id, const net::calendar_event_spec& spec,
                           net::send_updates updates = net::send_updates::none);
  net::event_result get(const std::string& calendar_id, const std::string& event_id);
  net::event_result patch(const std::string& calendar_id, const std::string& event_id,
                          net::calendar_event_times times);
  net::delete_result remove(const std::string& calendar_id, const std::string& event_id);
  net::free_busy_result free_busy(std::vector<std::string> ids, std::chrono::sys_seconds from,
                                  std::chrono::sys_seconds to);

 private:
  google_sandbox_server google_;
  std::atomic<long long> clock_offset_;
  boost::asio::io_context client_io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> client_work_;
  std::unique_ptr<net::http_client> http_;
  std::unique_ptr<net::google_auth> auth_;
  std::unique_ptr<net::google_calendar_client> calendar_;
  std::thread client_thread_;
};

// A lesson-shaped event for booking `booking_uuid`.
net::calendar_event_spec lesson_spec(const std::string& booking_uuid, std::chrono::sys_seconds start);

// Waits for a future for at most `limit`; a test failure when it is not ready by then.
template <class T>
T await(std::future<T> future, std::chrono::seconds limit = std::chrono::seconds{15}) {
  if (future.wait_for(limit) != std::future_status::ready)
    throw std::runtime_error("no answer within " + std::to_string(limit.count()) + " s");
  return future.get();
}

}  // namespace tutorbot::testing
