// A retry's timers fire while the wall clock is set back (test-dates.sh runs the service
// under libfaketime at moments before today). CTest runs this suite a second time under
// libfaketime with the clock weeks in the past (unit_net_clock_set_back): Asio's timerfd
// asked for an absolute time that libfaketime moved into the future, and every timer of the
// io_context stalled after the first one that was due at once (CI, 2026-12-07).
#include <chrono>
#include <future>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include "net/retry.hpp"

using namespace tutorbot::net;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(retry_under_a_clock_set_back)

BOOST_AUTO_TEST_CASE(backoffs_due_at_once_fire_and_the_loop_ends) {
  boost::asio::io_context io;
  std::promise<int> ended;
  // A zero backoff: each retry's timer is due when it is armed.
  retry_async(
      io, backoff_policy{0ms, 0ms, 3}, std::chrono::steady_clock::now() + 60s,
      [&](int attempt, attempt_report report) {
        report(attempt_verdict::retryable, [&ended, attempt] { ended.set_value(attempt); });
      },
      [&ended] { ended.set_value(0); });
  std::thread runner([&io] { io.run(); });
  auto outcome = ended.get_future();
  // Milliseconds when timers work; the stall lasted weeks.
  const bool ended_in_time = outcome.wait_for(20s) == std::future_status::ready;
  io.stop();
  runner.join();
  BOOST_REQUIRE(ended_in_time);
  BOOST_TEST(outcome.get() == 3);  // the last attempt's outcome, not the deadline
}

BOOST_AUTO_TEST_SUITE_END()
