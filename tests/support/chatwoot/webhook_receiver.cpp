#include "tests/support/chatwoot/webhook_receiver.hpp"

#include <condition_variable>
#include <mutex>

#include "sandbox/delayed_answers.hpp"
#include "tests/support/loopback_server.hpp"

namespace tutorbot::testing {

struct chatwoot_webhook_receiver::impl {
  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::vector<received_chatwoot_webhook> received;
  int failures_left = 0;
  int failure_status = 500;
  std::chrono::milliseconds delay{0};

  std::unique_ptr<sandbox::delayed_answers> delayed;  // on the server's thread
  std::unique_ptr<loopback_server> server;
};

chatwoot_webhook_receiver::chatwoot_webhook_receiver() : impl_(std::make_unique<impl>()) {
  auto& s = *impl_;
  s.server = std::make_unique<loopback_server>([&s](boost::asio::io_context& io) {
    s.delayed = std::make_unique<sandbox::delayed_answers>(io);
    net::router routes;
    routes.add("POST", "/webhooks/chatwoot", [&s, &delayed = *s.delayed](net::server_request&& request,
                                                                        net::respond_fn respond) {
      received_chatwoot_webhook w;
      w.body = request.body;
      w.token = request.query_param("token").value_or("");
      w.signature = request.header("X-Chatwoot-Signature").value_or("");
      w.timestamp = request.header("X-Chatwoot-Timestamp").value_or("");
      w.delivery = request.header("X-Chatwoot-Delivery").value_or("");
      w.content_type = request.header("Content-Type").value_or("");
      w.user_agent = request.header("User-Agent").value_or("");
      std::chrono::milliseconds delay;
      {
        std::lock_guard lock(s.mutex);
        if (s.failures_left > 0) {
          --s.failures_left;
          w.answered = s.failure_status;
        }
        delay = s.delay;
        s.received.push_back(w);
      }
      s.arrived.notify_all();
      delayed.answer(delay, std::move(respond),
                     net::server_response::json(w.answered, w.answered == 200 ? "{}" : R"({"error":"x"})"));
    });
    return routes;
  });
}

chatwoot_webhook_receiver::~chatwoot_webhook_receiver() {
  auto& s = *impl_;
  s.delayed->release();  // while the server can still write them
  s.server.reset();
  s.delayed.reset();
}

std::string chatwoot_webhook_receiver::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->server->port()) + "/webhooks/chatwoot";
}

void chatwoot_webhook_receiver::fail_next(int count, int status) {
  std::lock_guard lock(impl_->mutex);
  impl_->failures_left = count;
  impl_->failure_status = status;
}

void chatwoot_webhook_receiver::set_answer_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(impl_->mutex);
  impl_->delay = delay;
}

std::vector<received_chatwoot_webhook> chatwoot_webhook_receiver::received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

std::vector<received_chatwoot_webhook> chatwoot_webhook_receiver::wait_for(std::size_t count,
                                                                           std::chrono::milliseconds deadline) const {
  std::unique_lock lock(impl_->mutex);
  impl_->arrived.wait_for(lock, deadline, [&] { return impl_->received.size() >= count; });
  return impl_->received;
}

}  // namespace tutorbot::testing
