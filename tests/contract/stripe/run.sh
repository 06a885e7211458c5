#!/usr/bin/env bash
# Contract test: Stripe's official Node client (the `stripe` npm package) against the Stripe
# sandbox of `tutorbot sandbox`, changing nothing but where it connects; the sandbox's
# webhooks are checked with the same package's signature verification.
#   run.sh [BINARY]   BINARY (default $TUTORBOT_BINARY) is started as `BINARY sandbox`
# Needs node >= 20 and npm; installs the locked packages on first use.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../harness.sh"
contract_begin contract_stripe "${1:-}"

# The Stripe sandbox, the Google and Chatwoot sandboxes (they start too), and the webhook
# receiver that the Node test opens.
read -r stripe_port google_port hook_port chatwoot_port < <(free_ports 4)
base="http://127.0.0.1:$stripe_port"
secret_key=sk_test_contract_$RANDOM$RANDOM
webhook_secret=whsec_contract_$RANDOM$RANDOM
"$root/scripts/make_service_account.sh" "$work/sa.json" "http://127.0.0.1:$google_port/token" >/dev/null

GCAL_SERVICE_ACCOUNT_JSON="$work/sa.json" GCAL_API_BASE="http://127.0.0.1:$google_port/calendar/v3" \
  STRIPE_API_BASE="$base" STRIPE_SECRET_KEY="$secret_key" STRIPE_WEBHOOK_SECRET="$webhook_secret,whsec_old" \
  STRIPE_SANDBOX_WEBHOOK_URL="http://127.0.0.1:$hook_port/webhooks/stripe" \
  CHATWOOT_BASE_URL="http://127.0.0.1:$chatwoot_port" \
  start_in_background "$work/sandbox.log" "$binary" sandbox
wait_until_ready port_open "$stripe_port"

status=0
STRIPE_SANDBOX_URL="$base" STRIPE_SANDBOX_KEY="$secret_key" STRIPE_SANDBOX_WEBHOOK_SECRET="$webhook_secret" \
  STRIPE_SANDBOX_HOOK_PORT="$hook_port" \
  node --test --test-reporter=spec contract.test.js || status=$?
stop_cleanly || status=1  # the sandbox must stop cleanly on SIGTERM (exit 0)
contract_end "$status"
