#!/usr/bin/env bash
# Contract test: Google's official Node clients (google-auth-library, @googleapis/calendar)
# against the Google Calendar sandbox, changing nothing but where they connect.
#   run.sh [BINARY]   BINARY (default $TUTORBOT_BINARY) is started as `BINARY sandbox`
# Needs node >= 20 and npm; installs the locked packages on first use.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
binary=${1:-${TUTORBOT_BINARY:-}}
if [ -z "$binary" ] || [ ! -x "$binary" ]; then
  echo "usage: run.sh BINARY (or TUTORBOT_BINARY=...): the executable that runs \`BINARY sandbox\`" >&2
  exit 2
fi
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
command -v node >/dev/null || { echo "contract_google: node >= 20 is required" >&2; exit 2; }

cd "$here"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

work=$(mktemp -d)
sandbox_pid=
cleanup() {
  if [ -n "$sandbox_pid" ] && kill -0 "$sandbox_pid" 2>/dev/null; then
    kill -TERM "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
base="http://127.0.0.1:$port"
"$root/scripts/make_service_account.sh" "$work/sa.json" "$base/token"

# The Stripe and Chatwoot sandboxes start too; give them free ports of their own.
stripe_port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
chatwoot_port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
GCAL_SERVICE_ACCOUNT_JSON="$work/sa.json" GCAL_API_BASE="$base/calendar/v3" \
  STRIPE_API_BASE="http://127.0.0.1:$stripe_port" STRIPE_SECRET_KEY=sk_test_contract \
  CHATWOOT_BASE_URL="http://127.0.0.1:$chatwoot_port" \
  "$binary" sandbox >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!

# Wait for the port to accept connections, up to 15 s.
deadline=$((SECONDS + 15))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  if ! kill -0 "$sandbox_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
    echo "contract_google: the sandbox did not start on $base" >&2
    cat "$work/sandbox.log" >&2
    exit 1
  fi
  sleep 0.05
done

status=0
GOOGLE_SANDBOX_URL="$base" GOOGLE_SANDBOX_KEY_FILE="$work/sa.json" \
  node --test --test-reporter=spec contract.test.js || status=$?

# The sandbox must stop cleanly on SIGTERM (exit 0).
kill -TERM "$sandbox_pid"
sandbox_status=0
wait "$sandbox_pid" || sandbox_status=$?
sandbox_pid=
if [ "$sandbox_status" -ne 0 ]; then
  echo "contract_google: the sandbox exited with $sandbox_status on SIGTERM" >&2
  cat "$work/sandbox.log" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "--- sandbox log ---" >&2
  tail -n 50 "$work/sandbox.log" >&2
fi
exit "$status"
