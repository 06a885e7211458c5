#!/usr/bin/env bash
# Runs the suites whose tests book "a week ahead", "tomorrow" or "the next free slot" with
# every process of the run — PostgreSQL, the sandboxes, tutorbot and the tests — believing
# it is another moment (libfaketime, one fixed offset from the real clock for all of them,
# so their clocks agree and keep running). The moments are Europe/Amsterdam wall-clock
# times chosen for what they cross: both DST changes, a year's end, a leap day, a
# two-digit day of the month, a Saturday night, a Monday morning, and hours at which the
# notice period ends inside a tutor's working hours.
#   scripts/test-dates.sh                      every moment below
#   scripts/test-dates.sh "2027-03-27 23:30"   only these (local times, as date -d reads them)
# Prints one line a moment and ends with "test-dates: N passed, N failed"; exit 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

moments=(
  "2026-12-11 21:30"   # Fri night, a two-digit day ("vr 11 dec" is one character longer than "di 1 dec");
                       # the 12-hour notice ends inside Saturday's hours, so the first free time moves as tests run
  "2026-10-24 23:30"   # Sat night before the clocks go back (Sun 25 Oct 03:00 → 02:00)
  "2026-12-31 23:30"   # New Year's Eve, half an hour before the year changes
  "2027-03-22 05:00"   # Mon early morning: the notice ends inside Monday's hours; a week ahead lies after
                       # the clocks go forward
  "2027-03-27 23:30"   # Sat night before the clocks go forward (Sun 28 Mar 02:00 → 03:00)
  "2028-02-29 12:00"   # a leap day (Tue); a week ahead is in March
)
[ $# -gt 0 ] && moments=("$@")

# The entries that run tutorbot against the sandbox or touch dates; the rest never read the clock.
suites='^(unit_domain|integration_api|e2e_service)$'
# Within them, tests labelled date_free (tests/support/date_free.hpp) spend their time on
# retries and timeouts that no date changes: they run once, in scripts/test.sh.
export BOOST_TEST_RUN_FILTERS='!@date_free'

scripts/deps.sh
scripts/build.sh
libfaketime=/usr/lib/$(gcc -print-multiarch)/faketime/libfaketimeMT.so.1
[ -r "$libfaketime" ] || { echo "test-dates: $libfaketime is missing (package libfaketime)" >&2; exit 1; }
# Ahead of libfaketime: timerfd times reach the kernel unchanged (tests/support/preload/).
real_timerfd=$PWD/build/tests/libtutorbot_real_timerfd.so

passed=0
failed=0
for moment in "${moments[@]}"; do
  target=$(TZ=Europe/Amsterdam date -d "$moment" +%s)
  offset=$(( target - $(date +%s) ))
  log=$(mktemp /tmp/tutorbot-test-dates.XXXXXX.log)
  started=$(date +%s)
  status=0
  # Monotonic clocks stay real: timeouts and deadlines measure real time.
  LD_PRELOAD="$real_timerfd $libfaketime" FAKETIME="$(printf '%+d' "$offset")" FAKETIME_DONT_FAKE_MONOTONIC=1 \
    scripts/with_test_pg.sh bash -c 'echo "clock: $(TZ=Europe/Amsterdam date "+%a %F %T %Z")";
      exec ctest --test-dir build --output-on-failure -j2 -R "$0"' "$suites" >"$log" 2>&1 || status=$?
  seconds=$(( $(date +%s) - started ))
  clock=$(sed -n 's/^clock: //p' "$log" | head -1)
  summary=$(grep -E '^[0-9]+% tests passed' "$log" || echo "no ctest summary")
  if [ $status -eq 0 ]; then
    passed=$((passed + 1))
    echo "test-dates: $moment → believed $clock: $summary ($seconds s)"
    rm -f "$log"
  else
    failed=$((failed + 1))
    echo "test-dates: $moment → believed $clock: FAILED: $summary ($seconds s); log: $log"
    grep -E 'error: in|fatal error: in|\*\*\*Failed' "$log" | head -20 || true
  fi
done
echo "test-dates: $passed passed, $failed failed"
[ $failed -eq 0 ]
