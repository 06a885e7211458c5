#!/usr/bin/env bash
# CI's sanitizer and fuzz jobs (issue 13), with clang from Debian:
#   1. AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/): the unit and integration
#      tests, then every fuzz target replays its committed corpus and fuzzes for a bounded
#      time (FUZZ_SECONDS each, 20 by default); the first report fails the job.
#   2. ThreadSanitizer (build-tsan/): the actor, HTTP server and client tests.
#   scripts/test-sanitizers.sh            both
#   scripts/test-sanitizers.sh asan|tsan  one of them
# A crash a fuzzer finds is written to build-asan/fuzz-findings/; make it a regression input
# (tests/fuzz/README.md) with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -gt 0 ]; then jobs=("$@"); else jobs=(asan tsan); fi
fuzz_seconds=${FUZZ_SECONDS:-20}
fuzz_targets=(form_codec rfc3339 stripe_webhook google_json chatwoot_webhook dialogue http_session)
asan_tests=(unit_domain unit_config unit_net unit_actors unit_google unit_stripe unit_obs unit_chatwoot unit_sandbox unit_chat unit_app unit_mail
            integration_db integration_api)
tsan_tests=(unit_net unit_actors unit_google unit_stripe unit_chatwoot unit_sandbox)

scripts/deps.sh
export CCACHE_BASEDIR="$PWD"
# clang 16's own symbolizer: without one, reports show bare addresses and no suppression by
# function name matches.
symbolizer=/usr/bin/llvm-symbolizer-16
export ASAN_SYMBOLIZER_PATH=$symbolizer
# Line tables only and -O1: stack traces that name the line, at half the compile time of -g -O2.
configure() {
  CC=clang-16 CXX=clang++-16 cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -g1" \
    -DTUTORBOT_WERROR=OFF "${@:2}" >/dev/null
}
tests_regex() { local IFS='|'; echo "^($*)\$"; }

status=0
started=$(date +%s)
for job in "${jobs[@]}"; do
  case $job in
  asan)
    configure build-asan -DTUTORBOT_SANITIZE=address,undefined -DTUTORBOT_FUZZ=ON
    cmake --build build-asan -j"$(nproc)" --target "${asan_tests[@]}" "${fuzz_targets[@]/#/fuzz_}"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
    scripts/with_test_pg.sh ctest --test-dir build-asan --output-on-failure -j2 -R "$(tests_regex "${asan_tests[@]}")" ||
      status=1
    findings=build-asan/fuzz-findings
    mkdir -p "$findings"
    for target in "${fuzz_targets[@]}"; do
      work=$(mktemp -d)
      # The committed corpus first (every input must pass), then new inputs for a bounded time.
      if ! build-asan/fuzz/fuzz_"$target" -artifact_prefix="$findings/$target-" -max_total_time="$fuzz_seconds" \
           -print_final_stats=1 "$work" "tests/fuzz/corpus/$target" >"$findings/$target.log" 2>&1; then
        echo "test-sanitizers: fuzz_$target failed:" >&2
        grep -aE "ERROR|runtime error|invariant broken|SUMMARY" -A3 "$findings/$target.log" | head -30 >&2
        status=1
      else
        echo "test-sanitizers: fuzz_$target $(grep -a '^stat::number_of_executed_units' "$findings/$target.log" |
          awk '{print $2}') inputs in ${fuzz_seconds} s, no finding"
      fi
      rm -rf "$work"
    done
    ;;
  tsan)
    configure build-tsan -DTUTORBOT_SANITIZE=thread
    cmake --build build-tsan -j"$(nproc)" --target "${tsan_tests[@]}"
    export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 external_symbolizer_path=$symbolizer suppressions=$PWD/tests/tsan.supp"
    scripts/with_test_pg.sh ctest --test-dir build-tsan --output-on-failure -j2 -R "$(tests_regex "${tsan_tests[@]}")" ||
      status=1
    ;;
  *) echo "test-sanitizers: unknown job $job (asan or tsan)" >&2; exit 2 ;;
  esac
done
echo "test-sanitizers: ${jobs[*]} in $(( $(date +%s) - started )) s, $([ $status -eq 0 ] && echo passed || echo FAILED)" >&2
exit $status
