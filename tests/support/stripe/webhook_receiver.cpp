#include "tests/support/stripe/webhook_receiver.hpp"

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "net/http_server.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::testing {

struct webhook_receiver::impl {
  impl() : work(io.get_executor()) {}

  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::vector<received_webhook> received;
  int failures_left = 0;
  int failure_status = 500;

  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  obs::metrics metrics;
  std::unique_ptr<net::http_server> server;
  std::thread thread;
};

webhook_receiver::webhook_receiver() : impl_(std::make_unique<impl>()) {
  auto& s = *impl_;
  net::router routes;
  routes.add("POST", "/webhooks/stripe", [&s](net::server_request&& request, net::respond_fn respond) {
    received_webhook w;
    w.body = request.body;
    w.signature = request.header("Stripe-Signature").value_or("");
    w.content_type = request.header("Content-Type").value_or("");
    w.user_agent = request.header("User-Agent").value_or("");
    {
      std::lock_guard lock(s.mutex);
      if (s.failures_left > 0) {
        --s.failures_left;
        w.answered = s.failure_status;
      }
      s.received.push_back(w);
    }
    s.arrived.notify_all();
    respond(net::server_response::json(w.answered, w.answered == 200 ? R"({"received":true})" : R"({"error":"x"})"));
  });
  net::server_options options;
  options.port = 0;
  options.shutdown_grace = std::chrono::seconds(1);
  s.server = std::make_unique<net::http_server>(s.io, options, std::move(routes), s.metrics);
  s.server->start();
  s.thread = std::thread([&io = s.io] { io.run(); });
}

webhook_receiver::~webhook_receiver() {
  auto& s = *impl_;
  auto drained = std::make_shared<std::promise<void>>();
  auto done = drained->get_future();
  s.server->shutdown([drained] { drained->set_value(); });
  done.wait_for(std::chrono::seconds(5));
  s.work.reset();
  s.io.stop();
  s.thread.join();
}

std::string webhook_receiver::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->server->port()) + "/webhooks/stripe";
}

void webhook_receiver::fail_next(int count, int status) {
  std::lock_guard lock(impl_->mutex);
  impl_->failures_left = count;
  impl_->failure_status = status;
}

std::vector<received_webhook> webhook_receiver::received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

std::vector<received_webhook> webhook_receiver::wait_for(std::size_t count, std::chrono::milliseconds deadline) const {
  std::unique_lock lock(impl_->mutex);
  impl_->arrived.wait_for(lock, deadline, [&] { return impl_->received.size() >= count; });
  return impl_->received;
}

}  // namespace tutorbot::testing
