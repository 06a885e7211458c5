#!/usr/bin/env bash
# Contract test: webhooks signed by Stripe's official library (stripe.webhooks.
# generateTestHeaderString) against tutorbot's POST /webhooks/stripe — accepted when right,
# refused with nothing stored when tampered, wrongly keyed, stale, future or unsigned.
#   webhook_run.sh [BINARY]   needs TUTORBOT_TEST_DATABASE_URL (scripts/test.sh sets it), node, psql
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../harness.sh"
contract_begin contract_stripe_webhook "${1:-}"
: "${TUTORBOT_TEST_DATABASE_URL:?the admin URL of a test PostgreSQL (scripts/test.sh sets it)}"

database=contract_webhook_$$_$RANDOM
psql "$TUTORBOT_TEST_DATABASE_URL" -qc "CREATE DATABASE $database" >/dev/null
on_exit "psql '$TUTORBOT_TEST_DATABASE_URL' -qc 'DROP DATABASE IF EXISTS $database' >/dev/null 2>&1"
database_url="${TUTORBOT_TEST_DATABASE_URL%/*}/$database"
read -r port closed_port < <(free_ports 2)
webhook_secret=whsec_contract_$RANDOM$RANDOM
"$root/scripts/make_service_account.sh" "$work/sa.json" "http://127.0.0.1:$closed_port/token" >/dev/null

# Only the webhook endpoint is under test: the providers point at a closed port.
DATABASE_URL="$database_url" TUTORBOT_LISTEN="127.0.0.1:$port" TUTORBOT_API_TOKEN=contract-token \
  STRIPE_SECRET_KEY=sk_test_contract STRIPE_WEBHOOK_SECRET="whsec_old_$RANDOM,$webhook_secret" \
  STRIPE_API_BASE="http://127.0.0.1:$closed_port" GCAL_API_BASE="http://127.0.0.1:$closed_port/calendar/v3" \
  GCAL_SERVICE_ACCOUNT_JSON="$work/sa.json" CHATWOOT_BASE_URL="http://127.0.0.1:$closed_port" \
  CHATWOOT_API_TOKEN=x CHATWOOT_ACCOUNT_ID=1 CHATWOOT_WEBHOOK_TOKEN=x CHATWOOT_SIGNING_SECRET=x \
  start_in_background "$work/tutorbot.log" "$binary" serve --config "$root/config"
CONTRACT_READY_SECONDS=60 wait_until_ready curl -fs "http://127.0.0.1:$port/readyz" -o /dev/null

status=0
TUTORBOT_URL="http://127.0.0.1:$port" TUTORBOT_DATABASE_URL="$database_url" STRIPE_WEBHOOK_SECRET="$webhook_secret" \
  node --test --test-reporter=spec webhook_endpoint.test.js || status=$?
contract_end "$status"
