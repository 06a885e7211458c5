#pragma once
// The Chatwoot sandbox's shared state, seen by its two route files (API, knobs). Private
// to sandbox/chatwoot_*.cpp.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>

#include "sandbox/chatwoot_sandbox.hpp"
#include "sandbox/chatwoot_store.hpp"
#include "sandbox/delayed_answers.hpp"
#include "sandbox/chatwoot_webhooks.hpp"

namespace tutorbot::sandbox {

struct chatwoot_sandbox::impl {
  explicit impl(chatwoot_sandbox_options options);

  // Starts the delivery thread.
  void start(const std::shared_ptr<impl>& self);
  void stop();

  chatwoot_sandbox_options options;
  mutable std::mutex mutex;
  chatwoot::chatwoot_store store;
  std::vector<chatwoot_api_call> calls;
  std::chrono::seconds clock_offset{0};
  bool stopped = false;
  int failures_left = 0;  // fail_next
  int failure_status = 500;
  std::chrono::milliseconds latency{0};

  // Webhook deliveries run on a private io_context, so no request thread ever waits on
  // tutorbot.
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  std::thread thread;
  delayed_answers delayed{io};
  std::shared_ptr<chatwoot::webhook_dispatcher> webhooks;

  chatwoot::instant now_locked() const;  // the caller holds `mutex`
  // Hands the webhooks made under the lock to the dispatcher; call without the lock.
  void deliver(std::vector<chatwoot::pending_webhook> made);
  // Under the lock: runs `work` and takes the webhooks it made.
  template <class Work>
  auto locked(Work&& work_fn, std::vector<chatwoot::pending_webhook>& made) {
    std::lock_guard lock(mutex);
    auto out = work_fn(now_locked());
    made = store.take_webhooks();
    return out;
  }

  // Every /api/v1 call: the token and whom it belongs to, the bot's allowed endpoints,
  // the account, the parameters (JSON or form body merged over the query), then `work`
  // under the lock; the call is recorded and its webhooks delivered afterwards.
  using api_work = std::function<chatwoot::result(const net::server_request& request,
                                                  const boost::json::object& params, chatwoot::sender_ref by,
                                                  chatwoot::instant now)>;
  void api_call(const net::server_request& request, const net::respond_fn& respond, bool bot_allowed,
                const api_work& work_fn);
  // Answers after the configured latency (on the delivery io_context's timers).
  void answer(const net::respond_fn& respond, net::server_response response);

  void add_api_routes(net::router& routes, const std::shared_ptr<impl>& self);
  void add_control_routes(net::router& routes, const std::shared_ptr<impl>& self);
};

}  // namespace tutorbot::sandbox
