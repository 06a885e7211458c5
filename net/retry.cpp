#include "net/retry.hpp"

#include <algorithm>
#include <memory>
#include <random>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

namespace tutorbot::net {

namespace asio = boost::asio;

std::chrono::milliseconds backoff_ceiling(const backoff_policy& policy, int retry) {
  auto cap = std::max(policy.cap, std::chrono::milliseconds{0});
  auto ceiling = std::max(policy.base, std::chrono::milliseconds{0});
  for (int i = 0; i < retry && ceiling < cap; ++i) ceiling *= 2;
  return std::min(ceiling, cap);
}

std::chrono::milliseconds backoff_delay(const backoff_policy& policy, int retry, double unit) {
  unit = std::clamp(unit, 0.0, 1.0);
  auto ceiling = backoff_ceiling(policy, retry);
  return std::chrono::milliseconds{
      static_cast<std::chrono::milliseconds::rep>(static_cast<double>(ceiling.count()) * unit)};
}

std::chrono::milliseconds backoff_delay(const backoff_policy& policy, int retry) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return backoff_delay(policy, retry, std::uniform_real_distribution<double>{0.0, 1.0}(generator));
}

namespace {

// All state changes happen on the strand, so a report racing the deadline timer is decided
// in one place.
class retry_loop : public std::enable_shared_from_this<retry_loop> {
 public:
  retry_loop(asio::io_context& io, backoff_policy policy,
             std::chrono::steady_clock::time_point deadline,
             std::function<void(int, attempt_report)> attempt, std::function<void()> on_deadline)
      : strand_(asio::make_strand(io)),
        deadline_timer_(strand_),
        backoff_timer_(strand_),
        policy_(policy),
        deadline_(deadline),
        attempt_(std::move(attempt)),
        on_deadline_(std::move(on_deadline)) {}

  void start() {
    asio::post(strand_, [self = shared_from_this()] {
      self->deadline_timer_.expires_at(self->deadline_);
      self->deadline_timer_.async_wait([self](boost::system::error_code ec) {
        if (!ec) self->expire();
      });
      self->run_attempt();
    });
  }

 private:
  void run_attempt() {
    if (finished_) return;
    ++attempt_number_;
    int number = attempt_number_;
    attempt_(number, [self = shared_from_this(), number](attempt_verdict verdict,
                                                        std::function<void()> deliver) {
      asio::post(self->strand_, [self, number, verdict, deliver = std::move(deliver)]() mutable {
        self->on_report(number, verdict, std::move(deliver));
      });
    });
  }

  void on_report(int number, attempt_verdict verdict, std::function<void()> deliver) {
    if (finished_ || number != attempt_number_) return;
    bool last = attempt_number_ >= std::max(policy_.max_attempts, 1);
    if (verdict == attempt_verdict::done || last) {
      finish();
      deliver();
      return;
    }
    // Waiting past the deadline is pointless, but the deadline timer ends the call anyway,
    // so a backoff longer than the time left simply ends in on_deadline.
    backoff_timer_.expires_after(backoff_delay(policy_, attempt_number_ - 1));
    backoff_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->run_attempt();
    });
  }

  void expire() {
    if (finished_) return;
    finish();
    on_deadline_();
  }

  void finish() {
    finished_ = true;
    deadline_timer_.cancel();
    backoff_timer_.cancel();
  }

  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer deadline_timer_;
  asio::steady_timer backoff_timer_;
  backoff_policy policy_;
  std::chrono::steady_clock::time_point deadline_;
  std::function<void(int, attempt_report)> attempt_;
  std::function<void()> on_deadline_;
  int attempt_number_ = 0;
  bool finished_ = false;
};

}  // namespace

void retry_async(asio::io_context& io, backoff_policy policy,
                 std::chrono::steady_clock::time_point deadline,
                 std::function<void(int attempt, attempt_report report)> attempt,
                 std::function<void()> on_deadline) {
  std::make_shared<retry_loop>(io, policy, deadline, std::move(attempt), std::move(on_deadline))
      ->start();
}

}  // namespace tutorbot::net
