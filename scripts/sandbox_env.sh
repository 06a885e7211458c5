# Sourced by run.sh and test.sh: where a provider secret is not set, use the local sandbox's
# test values and addresses. Real deployments set every one of these themselves.
: "${TUTORBOT_API_TOKEN:=dev-api-token}"
: "${STRIPE_SECRET_KEY:=sk_test_sandbox}"
: "${STRIPE_PUBLISHABLE_KEY:=pk_test_sandbox}"
: "${STRIPE_WEBHOOK_SECRET:=whsec_sandbox}"
: "${STRIPE_API_BASE:=http://127.0.0.1:8090}"
# `tutorbot sandbox` delivers Stripe webhooks to STRIPE_SANDBOX_WEBHOOK_URL when set (empty:
# none), else to http://<TUTORBOT_LISTEN, default 127.0.0.1:8080>/webhooks/stripe;
# STRIPE_SANDBOX_SEED (a number) makes its ids and out-of-order shuffles repeatable.
: "${GCAL_API_BASE:=http://127.0.0.1:8091/calendar/v3}"
: "${GCAL_SERVICE_ACCOUNT_JSON:=var/sandbox/service-account.json}"
: "${CHATWOOT_BASE_URL:=http://127.0.0.1:8092}"
: "${CHATWOOT_API_TOKEN:=chatwoot-sandbox-token}"
: "${CHATWOOT_ACCOUNT_ID:=1}"
: "${CHATWOOT_WEBHOOK_TOKEN:=chatwoot-sandbox-webhook}"
: "${CHATWOOT_SIGNING_SECRET:=chatwoot-sandbox-signing-secret}"
# The run command's SMTP server (aiosmtpd, started beside the sandbox): mail is on.
: "${SMTP_URL:=smtp://127.0.0.1:8025}"
# `tutorbot sandbox` accepts CHATWOOT_API_TOKEN as the agent bot's token; CHATWOOT_USER_TOKEN,
# when set, is a separate agent's token and the bot token then gets Chatwoot's bot limits
# (401 on listing messages and updating contacts); unset, the one token may do everything.
# It delivers Chatwoot webhooks to CHATWOOT_SANDBOX_WEBHOOK_URL when set (empty: none), else
# to http://<TUTORBOT_LISTEN, default 127.0.0.1:8080>/webhooks/chatwoot?token=$CHATWOOT_WEBHOOK_TOKEN,
# signed with CHATWOOT_SIGNING_SECRET.
if [ ! -f "$GCAL_SERVICE_ACCOUNT_JSON" ]; then
  scripts/make_service_account.sh "$GCAL_SERVICE_ACCOUNT_JSON"
fi
export TUTORBOT_API_TOKEN STRIPE_SECRET_KEY STRIPE_PUBLISHABLE_KEY STRIPE_WEBHOOK_SECRET STRIPE_API_BASE \
  GCAL_API_BASE GCAL_SERVICE_ACCOUNT_JSON CHATWOOT_BASE_URL CHATWOOT_API_TOKEN CHATWOOT_ACCOUNT_ID \
  CHATWOOT_WEBHOOK_TOKEN
export CHATWOOT_SIGNING_SECRET SMTP_URL
