#pragma once
// The Stripe sandbox's shared state, seen by its three route files (API, hosted page,
// knobs). Private to sandbox/stripe_*.cpp.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include "sandbox/delayed_answers.hpp"
#include "sandbox/stripe_idempotency.hpp"
#include "sandbox/stripe_sandbox.hpp"
#include "sandbox/stripe_store.hpp"
#include "sandbox/stripe_webhooks.hpp"

namespace tutorbot::sandbox {

// What an API route's work sees, under the sandbox's lock.
struct stripe_call {
  const net::server_request& request;
  const boost::json::object& params;
  stripe::request_origin origin;
  std::string page_base;  // http://<Host> of the request: where the hosted page lives
  std::chrono::sys_seconds now;
};

struct stripe_sandbox::impl {
  explicit impl(stripe_sandbox_options options);

  // Starts the timer thread, the webhook dispatcher and the expiry sweep.
  void start(const std::shared_ptr<impl>& self);
  void stop();

  struct fault_rule {
    int remaining = 0;
    int status = 429;
    std::string endpoint;  // "", "METHOD pattern" or "pattern"
  };

  stripe_sandbox_options options;
  mutable std::mutex mutex;
  stripe::stripe_store store;
  stripe::idempotency_cache idempotency;
  std::vector<fault_rule> faults;
  std::chrono::milliseconds latency{0};
  std::chrono::seconds clock_offset{0};
  int api_calls = 0;
  std::map<std::string, int> api_calls_by_endpoint;  // "POST /v1/checkout/sessions" → calls
  bool stopped = false;

  // Timers, delayed answers and webhook deliveries run on a private io_context, so no
  // request thread ever blocks or sleeps.
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  std::thread thread;
  delayed_answers delayed{io};
  std::shared_ptr<stripe::webhook_dispatcher> webhooks;
  std::unique_ptr<boost::asio::steady_timer> sweep_timer;

  std::chrono::sys_seconds now_locked() const;  // the caller holds `mutex`
  void answer(const net::respond_fn& respond, net::server_response response);
  // Hands the events made under the lock to the dispatcher; call without the lock.
  void deliver(std::vector<boost::json::object> events);
  void sweep();
  void schedule_sweep(const std::shared_ptr<impl>& self);

  // Every /v1 call: auth, Stripe-Version, injected faults, parameters, idempotency, then
  // `work` under the lock; expand[], Stripe's headers and event delivery afterwards.
  using api_work = std::function<stripe::result(stripe_call&)>;
  void api_call(const net::server_request& request, const net::respond_fn& respond, const std::string& pattern,
                const api_work& work);

  void add_api_routes(net::router& routes, const std::shared_ptr<impl>& self);
  void add_page_routes(net::router& routes, const std::shared_ptr<impl>& self);
  void add_control_routes(net::router& routes, const std::shared_ptr<impl>& self);
};

}  // namespace tutorbot::sandbox
