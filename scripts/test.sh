#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, starts a throwaway
# PostgreSQL, runs every test through CTest, stops PostgreSQL, and fails on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
scripts/deps.sh
scripts/build.sh
built=$(date +%s)

status=0
scripts/with_test_pg.sh ctest --test-dir build --output-on-failure -j2 "$@" || status=$?
echo "test.sh: build $((built - started)) s, tests $(( $(date +%s) - built )) s" >&2
exit $status
