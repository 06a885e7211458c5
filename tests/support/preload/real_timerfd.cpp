// Preloaded ahead of libfaketime by scripts/test-dates.sh (and the unit_net_clock_set_back
// test): timerfd times reach the kernel unchanged, so monotonic timers stay real as
// FAKETIME_DONT_FAKE_MONOTONIC intends.
//
// libfaketime 0.9.10 rewrites every absolute timerfd time as if it were a faked wall-clock
// time, CLOCK_MONOTONIC ones included. Asio arms its monotonic timerfd at the absolute time
// 1 ns for a timer that is already due; with the clock set back that became weeks ahead, and
// every timer of the io_context stalled (the CI failure of 2026-12-07 at "2026-10-24 23:30").
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

extern "C" {

int timerfd_settime(int fd, int flags, const struct itimerspec* new_value, struct itimerspec* old_value) {
  return static_cast<int>(syscall(SYS_timerfd_settime, fd, flags, new_value, old_value));
}

int timerfd_gettime(int fd, struct itimerspec* current) {
  return static_cast<int>(syscall(SYS_timerfd_gettime, fd, current));
}

}  // extern "C"
