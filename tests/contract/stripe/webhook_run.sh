#!/usr/bin/env bash
# Contract test: webhooks signed by Stripe's official library (stripe.webhooks.
# generateTestHeaderString) against tutorbot's POST /webhooks/stripe — accepted when right,
# refused with nothing stored when tampered, wrongly keyed, stale, future or unsigned.
#   webhook_run.sh [BINARY]   needs TUTORBOT_TEST_DATABASE_URL (scripts/test.sh sets it), node, psql
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
binary=${1:-${TUTORBOT_BINARY:-}}
if [ -z "$binary" ] || [ ! -x "$binary" ]; then
  echo "usage: webhook_run.sh BINARY (or TUTORBOT_BINARY=...)" >&2
  exit 2
fi
: "${TUTORBOT_TEST_DATABASE_URL:?the admin URL of a test PostgreSQL (scripts/test.sh sets it)}"
command -v node >/dev/null || { echo "contract_stripe_webhook: node >= 20 is required" >&2; exit 2; }

cd "$here"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

work=$(mktemp -d)
serve_pid=
database=contract_webhook_$$_$RANDOM
cleanup() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  psql "$TUTORBOT_TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql "$TUTORBOT_TEST_DATABASE_URL" -qc "CREATE DATABASE $database" >/dev/null
database_url="${TUTORBOT_TEST_DATABASE_URL%/*}/$database"
read -r port closed_port < <(node -e "
const net = require('net');
const servers = [0, 1].map(() => net.createServer());
Promise.all(servers.map((s) => new Promise((r) => s.listen(0, '127.0.0.1', r)))).then(() => {
  console.log(servers.map((s) => s.address().port).join(' '));
  servers.forEach((s) => s.close());
});")
webhook_secret=whsec_contract_$RANDOM$RANDOM
"$root/scripts/make_service_account.sh" "$work/sa.json" "http://127.0.0.1:$closed_port/token" >/dev/null

# Only the webhook endpoint is under test: the providers point at a closed port.
DATABASE_URL="$database_url" TUTORBOT_LISTEN="127.0.0.1:$port" TUTORBOT_API_TOKEN=contract-token \
  STRIPE_SECRET_KEY=sk_test_contract STRIPE_WEBHOOK_SECRET="whsec_old_$RANDOM,$webhook_secret" \
  STRIPE_API_BASE="http://127.0.0.1:$closed_port" GCAL_API_BASE="http://127.0.0.1:$closed_port/calendar/v3" \
  GCAL_SERVICE_ACCOUNT_JSON="$work/sa.json" CHATWOOT_BASE_URL="http://127.0.0.1:$closed_port" \
  CHATWOOT_API_TOKEN=x CHATWOOT_ACCOUNT_ID=1 CHATWOOT_WEBHOOK_TOKEN=x CHATWOOT_SIGNING_SECRET=x \
  "$binary" serve --config "$root/config" >"$work/serve.log" 2>&1 &
serve_pid=$!

deadline=$((SECONDS + 60))
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
  if ! kill -0 "$serve_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
    echo "contract_stripe_webhook: tutorbot did not become ready" >&2
    cat "$work/serve.log" >&2
    exit 1
  fi
  sleep 0.05
done

status=0
TUTORBOT_URL="http://127.0.0.1:$port" TUTORBOT_DATABASE_URL="$database_url" STRIPE_WEBHOOK_SECRET="$webhook_secret" \
  node --test --test-reporter=spec webhook_endpoint.test.js || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- tutorbot log ---" >&2
  tail -n 50 "$work/serve.log" >&2
fi
exit "$status"
