#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, starts a private PostgreSQL
# under ./var/ (reused by the next run), applies migrations and serves in the foreground.
# Ctrl-C stops the service and then PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
scripts/build.sh

pg_dir=var/postgres
pg_port=${TUTORBOT_PG_PORT:-54329}
if [ -z "${DATABASE_URL:-}" ]; then
  scripts/pg.sh start "$pg_dir" "$pg_port"
  trap 'scripts/pg.sh stop "$pg_dir"' EXIT
  base=$(scripts/pg.sh url "$pg_dir" "$pg_port" postgres)
  psql "$base" -qtAc "SELECT 1 FROM pg_database WHERE datname = 'tutorbot'" | grep -q 1 ||
    psql "$base" -qc "CREATE DATABASE tutorbot"
  export DATABASE_URL=$(scripts/pg.sh url "$pg_dir" "$pg_port" tutorbot)
fi

# Without real provider secrets the service talks to the local sandbox, whose test
# secrets these are; real deployments set their own in the environment.
source scripts/sandbox_env.sh

./build/tutorbot check-config --config config

# In sandbox mode (Google's base URL on loopback) the Google Calendar emulator runs beside
# the service, so tutors' calendars have somewhere to answer from.
sandbox_pid=
case "$GCAL_API_BASE" in
  http://127.0.0.1:*|http://localhost:*)
    ./build/tutorbot sandbox >var/sandbox.log 2>&1 &
    sandbox_pid=$!
    ;;
esac
# Not exec: the EXIT trap must stop PostgreSQL after tutorbot has stopped.
./build/tutorbot serve --config config &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' INT TERM
status=0
wait $pid || wait $pid || status=$?
[ -n "$sandbox_pid" ] && kill -TERM "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
exit $status
