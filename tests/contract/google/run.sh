#!/usr/bin/env bash
# Contract test: Google's official Node clients (google-auth-library, @googleapis/calendar)
# against the Google Calendar sandbox, changing nothing but where they connect.
#   run.sh [BINARY]   BINARY (default $TUTORBOT_BINARY) is started as `BINARY sandbox`
# Needs node >= 20 and npm; installs the locked packages on first use.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../harness.sh"
contract_begin contract_google "${1:-}"

# The Stripe and Chatwoot sandboxes start too, on free ports of their own.
read -r port stripe_port chatwoot_port < <(free_ports 3)
base="http://127.0.0.1:$port"
"$root/scripts/make_service_account.sh" "$work/sa.json" "$base/token"

GCAL_SERVICE_ACCOUNT_JSON="$work/sa.json" GCAL_API_BASE="$base/calendar/v3" \
  STRIPE_API_BASE="http://127.0.0.1:$stripe_port" STRIPE_SECRET_KEY=sk_test_contract \
  CHATWOOT_BASE_URL="http://127.0.0.1:$chatwoot_port" \
  start_in_background "$work/sandbox.log" "$binary" sandbox
wait_until_ready port_open "$port"

status=0
GOOGLE_SANDBOX_URL="$base" GOOGLE_SANDBOX_KEY_FILE="$work/sa.json" \
  node --test --test-reporter=spec contract.test.js || status=$?
stop_cleanly || status=1  # the sandbox must stop cleanly on SIGTERM (exit 0)
contract_end "$status"
