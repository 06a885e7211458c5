#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL: starts one on a free port in a temporary
# directory, exports the TUTORBOT_TEST_* variables the tests read, runs the command, stops
# and removes PostgreSQL, and exits with the command's status.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_dir=$(mktemp -d /tmp/tutorbot-test-pg.XXXXXX)
chmod 755 "$pg_dir"
pg_port=$(( 20000 + RANDOM % 20000 ))
cleanup() { scripts/pg.sh stop "$pg_dir/data"; rm -rf "$pg_dir"; }
trap cleanup EXIT
scripts/pg.sh start "$pg_dir/data" "$pg_port"

# Tests create their own databases from this one, and may restart the server to prove that
# connections come back.
export TUTORBOT_TEST_DATABASE_URL=$(scripts/pg.sh url "$pg_dir/data" "$pg_port" postgres)
export TUTORBOT_TEST_PG_RESTART="$PWD/scripts/pg.sh restart $pg_dir/data"
export TUTORBOT_TEST_PG_STOP="$PWD/scripts/pg.sh stop $pg_dir/data"
export TUTORBOT_TEST_PG_START="$PWD/scripts/pg.sh start $pg_dir/data $pg_port"

status=0
"$@" || status=$?
exit $status
