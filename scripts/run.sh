#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, starts a private PostgreSQL
# under ./var/ (reused by the next run), applies migrations and serves. With the local
# sandbox and a terminal, `tutorbot chat` then runs in the foreground — you are the
# WhatsApp student — while the service and the sandbox log to var/log/; /quit, Ctrl-D or
# Ctrl-C in the chat stops everything.
#   scripts/run.sh --no-chat   (or TUTORBOT_NO_CHAT=1) serve in the foreground, logging to
#                              the terminal; Ctrl-C stops the service and then PostgreSQL.
# Without a terminal on stdin (started by another program) it runs as with --no-chat.
set -euo pipefail
cd "$(dirname "$0")/.."

chat=1
[ "${TUTORBOT_NO_CHAT:-}" = 1 ] && chat=0
for arg in "$@"; do
  case "$arg" in
    --no-chat) chat=0 ;;
    *) echo "usage: scripts/run.sh [--no-chat]" >&2; exit 64 ;;
  esac
done
[ -t 0 ] || chat=0

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

mkdir -p var/log
# In sandbox mode (Google's base URL on loopback) the emulators run beside the service, so
# tutors' calendars, payments and the chat have somewhere to answer from.
sandbox_pid=
case "$GCAL_API_BASE" in
  http://127.0.0.1:*|http://localhost:*)
    ./build/tutorbot sandbox >var/log/sandbox.log 2>&1 &
    sandbox_pid=$!
    ;;
esac
# A real SMTP server (aiosmtpd, python3-aiosmtpd) keeps the students' e-mail in var/mail/, a
# Maildir: each file is one message, to open with any mail program (its invite.ics too).
maildir=
case "${SMTP_URL:-}" in
  smtp://127.0.0.1:*|smtp://localhost:*)
    if [ -n "$sandbox_pid" ]; then
      maildir=var/mail
      PYTHONPATH=sandbox /usr/bin/python3 -m aiosmtpd -n -l "${SMTP_URL#smtp://}" -c smtp_sink.Sink "$maildir" \
        >var/log/smtp.log 2>&1 &
      smtp_pid=$!
    fi
    ;;
esac
# The chat plays a student of the Chatwoot sandbox only.
case "$CHATWOOT_BASE_URL" in
  http://127.0.0.1:*|http://localhost:*) [ -n "$sandbox_pid" ] || chat=0 ;;
  *) chat=0 ;;
esac

stop_sandbox() {
  # aiosmtpd ends with a non-zero status on SIGTERM: not a failure of the run.
  if [ -n "${smtp_pid:-}" ] && kill -TERM "$smtp_pid" 2>/dev/null; then wait "$smtp_pid" 2>/dev/null || true; fi
  [ -n "$sandbox_pid" ] && kill -TERM "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  return 0
}

if [ "$chat" = 0 ]; then
  # Not exec: the EXIT trap must stop PostgreSQL after tutorbot has stopped.
  ./build/tutorbot serve --config config &
  pid=$!
  trap 'kill -TERM $pid 2>/dev/null || true' INT TERM
  status=0
  wait $pid || wait $pid || status=$?
  stop_sandbox
  exit $status
fi

./build/tutorbot serve --config config >var/log/serve.log 2>&1 &
pid=$!
# Ctrl-C reaches the chat (which ends) and the service (which stops); the trap makes sure
# of the service and lets the script go on to stop the rest.
stopping=0
trap 'stopping=1; kill -TERM $pid 2>/dev/null || true' INT TERM

# `url` answers within `seconds` while process `watched` lives.
wait_for() {
  local url=$1 seconds=$2 watched=$3 i
  for ((i = 0; i < seconds * 10 && stopping == 0; i++)); do
    curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    kill -0 "$watched" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
listen=${TUTORBOT_LISTEN:-127.0.0.1:8080}
case "$listen" in
  0.0.0.0:*|\[::\]:*) listen=127.0.0.1:${listen##*:} ;;
esac
if ! wait_for "$CHATWOOT_BASE_URL/sandbox/chatwoot/conversations" 30 "$sandbox_pid"; then
  [ "$stopping" = 1 ] || echo "run: the sandbox did not start; var/log/sandbox.log says:" >&2
  [ "$stopping" = 1 ] || tail -n 20 var/log/sandbox.log >&2
  kill -TERM $pid 2>/dev/null || true
  wait $pid 2>/dev/null || wait $pid 2>/dev/null || true
  stop_sandbox
  exit $((stopping == 1 ? 0 : 1))
fi
# Until the service is ready, the sandbox's webhooks would fail and hand the conversation
# to staff, as Chatwoot does when its bot fails.
if ! wait_for "http://$listen/readyz" 60 "$pid"; then
  kill -TERM $pid 2>/dev/null || true
  status=0
  wait $pid 2>/dev/null || wait $pid 2>/dev/null || status=$?
  stop_sandbox
  [ "$stopping" = 1 ] && exit $status
  echo "run: tutorbot serve did not become ready; var/log/serve.log says:" >&2
  tail -n 20 var/log/serve.log >&2
  exit $((status == 0 ? 1 : status))
fi
echo "run: serving on http://$listen; logs in var/log/serve.log and var/log/sandbox.log${maildir:+; e-mail in $maildir/}"

status=0
./build/tutorbot chat ${maildir:+--maildir "$maildir"} || status=$?
[ "$status" = 130 ] && status=0  # Ctrl-C: a normal way to stop
kill -TERM $pid 2>/dev/null || true
wait $pid 2>/dev/null || wait $pid 2>/dev/null || true
stop_sandbox
exit $status
