#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL: starts one on a free port in a temporary
# directory, exports the TUTORBOT_TEST_* variables the tests read, runs the command, stops
# and removes PostgreSQL, and exits with the command's status.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_dir=$(mktemp -d /tmp/tutorbot-test-pg.XXXXXX)
chmod 755 "$pg_dir"
cleanup() { scripts/pg.sh stop "$pg_dir/data"; rm -rf "$pg_dir"; }
trap cleanup EXIT
# Below the kernel's ephemeral range (32768 and up) and the tests' own ports (20000 and up):
# no outgoing connection can hold it when the tests stop and start the server again. Another
# program may still sit on a port, so a few are tried.
for attempt in 1 2 3 4 5; do
  pg_port=$(( 10000 + RANDOM % 10000 ))
  scripts/pg.sh start "$pg_dir/data" "$pg_port" && break
  [ "$attempt" -lt 5 ] || { echo "with_test_pg: PostgreSQL did not start:" >&2; tail -20 "$pg_dir/data/server.log" >&2; exit 1; }
done

# Tests create their own databases from this one, and may restart the server to prove that
# connections come back.
export TUTORBOT_TEST_DATABASE_URL=$(scripts/pg.sh url "$pg_dir/data" "$pg_port" postgres)
export TUTORBOT_TEST_PG_RESTART="$PWD/scripts/pg.sh restart $pg_dir/data"
export TUTORBOT_TEST_PG_STOP="$PWD/scripts/pg.sh stop $pg_dir/data"
export TUTORBOT_TEST_PG_START="$PWD/scripts/pg.sh start $pg_dir/data $pg_port"

status=0
"$@" || status=$?
exit $status
