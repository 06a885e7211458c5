#!/usr/bin/env bash
# Contract test: Stripe's official Node client (the `stripe` npm package) against the Stripe
# sandbox of `tutorbot sandbox`, changing nothing but where it connects; the sandbox's
# webhooks are checked with the same package's signature verification.
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
command -v node >/dev/null || { echo "contract_stripe: node >= 20 is required" >&2; exit 2; }

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

# Four distinct free ports: the Stripe sandbox, the Google and Chatwoot sandboxes (they start too), and the
# webhook receiver that the Node test opens.
read -r stripe_port google_port hook_port chatwoot_port < <(node -e "
const net = require('net');
const servers = [0, 1, 2, 3].map(() => net.createServer());
Promise.all(servers.map((s) => new Promise((r) => s.listen(0, '127.0.0.1', r)))).then(() => {
  console.log(servers.map((s) => s.address().port).join(' '));
  servers.forEach((s) => s.close());
});")
base="http://127.0.0.1:$stripe_port"
secret_key=sk_test_contract_$RANDOM$RANDOM
webhook_secret=whsec_contract_$RANDOM$RANDOM
"$root/scripts/make_service_account.sh" "$work/sa.json" "http://127.0.0.1:$google_port/token" >/dev/null

GCAL_SERVICE_ACCOUNT_JSON="$work/sa.json" GCAL_API_BASE="http://127.0.0.1:$google_port/calendar/v3" \
  STRIPE_API_BASE="$base" STRIPE_SECRET_KEY="$secret_key" STRIPE_WEBHOOK_SECRET="$webhook_secret,whsec_old" \
  STRIPE_SANDBOX_WEBHOOK_URL="http://127.0.0.1:$hook_port/webhooks/stripe" \
  CHATWOOT_BASE_URL="http://127.0.0.1:$chatwoot_port" \
  "$binary" sandbox >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!

# Wait for the port to accept connections, up to 15 s.
deadline=$((SECONDS + 15))
until (exec 3<>"/dev/tcp/127.0.0.1/$stripe_port") 2>/dev/null; do
  if ! kill -0 "$sandbox_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
    echo "contract_stripe: the sandbox did not start on $base" >&2
    cat "$work/sandbox.log" >&2
    exit 1
  fi
  sleep 0.05
done

status=0
STRIPE_SANDBOX_URL="$base" STRIPE_SANDBOX_KEY="$secret_key" STRIPE_SANDBOX_WEBHOOK_SECRET="$webhook_secret" \
  STRIPE_SANDBOX_HOOK_PORT="$hook_port" \
  node --test --test-reporter=spec contract.test.js || status=$?

# The sandbox must stop cleanly on SIGTERM (exit 0).
kill -TERM "$sandbox_pid"
sandbox_status=0
wait "$sandbox_pid" || sandbox_status=$?
sandbox_pid=
if [ "$sandbox_status" -ne 0 ]; then
  echo "contract_stripe: the sandbox exited with $sandbox_status on SIGTERM" >&2
  cat "$work/sandbox.log" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "--- sandbox log ---" >&2
  tail -n 50 "$work/sandbox.log" >&2
fi
exit "$status"
