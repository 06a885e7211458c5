#pragma once
// Truncated exponential backoff with full jitter and a bounded number of attempts, run on
// an io_context with timers (no thread ever sleeps). Shared by the Google, Stripe and
// Chatwoot clients: the caller decides what is retryable, this decides when and how often.
#include <chrono>
#include <functional>

namespace boost::asio {
class io_context;
}

namespace tutorbot::net {

struct backoff_policy {
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{5000};
  int max_attempts = 5;  // all attempts, the first included
};

// The upper bound of the wait before retry number `retry` (0 = the first retry):
// min(cap, base * 2^retry), without overflow for large `retry`.
std::chrono::milliseconds backoff_ceiling(const backoff_policy& policy, int retry);

// Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a wait drawn
// uniformly from [0, backoff_ceiling]. `unit` is the random draw in [0, 1].
std::chrono::milliseconds backoff_delay(const backoff_policy& policy, int retry, double unit);
// Same, drawing from a per-thread generator.
std::chrono::milliseconds backoff_delay(const backoff_policy& policy, int retry);

enum class attempt_verdict {
  done,      // stop here: deliver this attempt's outcome (success or a final failure)
  retryable  // retry after a backoff if attempts and time are left, else deliver it
};

// Given to each attempt; call it exactly once, from any thread. `deliver` hands this
// attempt's outcome to the caller and runs only when the loop stops on this attempt.
using attempt_report = std::function<void(attempt_verdict, std::function<void()> deliver)>;

// Runs attempt(1, report), then after each retryable report waits backoff_delay and runs
// the next one, up to policy.max_attempts. When `deadline` passes first — during an
// attempt or a backoff — `on_deadline` runs instead and later reports are ignored. Exactly
// one of the deliver functions or on_deadline runs, on an io_context thread. Attempts
// never overlap; the next one starts only after the previous one reported.
void retry_async(boost::asio::io_context& io, backoff_policy policy,
                 std::chrono::steady_clock::time_point deadline,
                 std::function<void(int attempt, attempt_report report)> attempt,
                 std::function<void()> on_deadline);

}  // namespace tutorbot::net
