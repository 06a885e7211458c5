#include "tests/support/stripe/webhook_receiver.hpp"

#include <condition_variable>
#include <mutex>


#include "tests/support/loopback_server.hpp"

namespace tutorbot::testing {

struct webhook_receiver::impl {
  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::vector<received_webhook> received;
  int failures_left = 0;
  int failure_status = 500;

  std::unique_ptr<loopback_server> server;
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
  s.server = std::make_unique<loopback_server>(std::move(routes), 0);
}

webhook_receiver::~webhook_receiver() {
  auto& s = *impl_;
  s.server.reset();
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
