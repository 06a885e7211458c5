#!/usr/bin/env bash
# adversarial_load: while one tutorbot (the production HTTP limits of config/tutorbot.yaml) is
# attacked from other loopback addresses — 500 slowloris connections, a flood of made-up
# methods, a /readyz flood and endless chunk extensions (bench/load/hostile_load) — does a
# legitimate client still get its signed Stripe and Chatwoot webhooks acknowledged, and does
# the memory stay bounded?
#
# The legitimate client (127.0.0.1) posts distinct signed Stripe events and signed Chatwoot
# student messages over one connection each (closed loop) for the attack's middle part; the
# attackers come from ATTACK_SOURCES (default 127.0.1.1-127.0.1.4), so the per-address limit
# and the global cap both come into play. Stripe and Chatwoot are on, their APIs a closed
# port: only the webhook path is measured. RSS is read from /proc every 0.5 s.
# Goal: >= 99.9 % of the legitimate webhooks answered 200 within 1 s; RSS printed.
# One summary line; exit 1 when the goal is missed.
#
#   bench/adversarial_load.sh
#   ATTACK_SECONDS=60 SLOWLORIS=500 ATTACK_SOURCES=127.0.1.1 bench/adversarial_load.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

attack_seconds=${ATTACK_SECONDS:-30}
slowloris=${SLOWLORIS:-500}
floods=${FLOOD_CONNECTIONS:-4}
sources=${ATTACK_SOURCES:-127.0.1.1,127.0.1.2,127.0.1.3,127.0.1.4}
stripe_secret=whsec_bench_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
chatwoot_secret=cw_bench_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
webhook_token=cwtoken_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
(( attack_seconds >= 12 )) || bench_die "ATTACK_SECONDS must be at least 12"

bench_init adversarial_load
[ -x "$bench_build/bench/hostile_load" ] || bench_die "$bench_build/bench/hostile_load is missing: build it"
bench_pg_start
bench_write_config "$bench_tmp/config" 1 20 8
closed_port=$(bench_free_port)
# The production HTTP limits (config/tutorbot.yaml), Stripe and Chatwoot on.
python3 - "$bench_tmp/config/tutorbot.yaml" "$bench_root/config/tutorbot.yaml" "$closed_port" <<'PY'
import re, sys
path, production, port = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
http = re.search(r"^http:\n(?:  .*\n)+", open(production).read(), re.M).group(0)
text = re.sub(r"^http:\n(?:  .*\n)+", http, text, flags=re.M)
text = text.replace(
    "  stripe:\n    enabled: false",
    f"  stripe:\n    enabled: true\n    api_base: http://127.0.0.1:{port}\n    reconcile_seconds: 3600\n"
    "    success_url: https://example.invalid/paid\n    cancel_url: https://example.invalid/cancelled")
text = text.replace(
    "  chatwoot:\n    enabled: false",
    f"  chatwoot:\n    enabled: true\n    base_url: http://127.0.0.1:{port}\n    account_id: 1\n    catchup_seconds: 3600")
open(path, "w").write(text)
PY
export STRIPE_SECRET_KEY=sk_test_bench STRIPE_WEBHOOK_SECRET=$stripe_secret
export CHATWOOT_API_TOKEN=bench CHATWOOT_WEBHOOK_TOKEN=$webhook_token CHATWOOT_SIGNING_SECRET=$chatwoot_secret
bench_migrate "$bench_tmp/config"
port=$(bench_free_port)
bench_start_tutorbot a "$bench_tmp/config" "$port"
tutorbot_pid=${bench_pids[-1]}
bench_wait_ready "$port" 60 a

# Distinct events, more than a closed loop can send in the time (used round-robin after that:
# a redelivery is acknowledged too). Stripe: checkouts tutorbot does not know (recorded as
# unknown); Chatwoot: a student's message in one of 200 conversations.
python3 - "$bench_tmp" "$webhook_token" "$bench_root/tests/fuzz/corpus/chatwoot_webhook/seed-student-message" <<'PY'
import json, sys
tmp, token, seed = sys.argv[1], sys.argv[2], sys.argv[3]
message = json.load(open(seed))
with open(f"{tmp}/stripe.txt", "w") as out:
    for i in range(60000):
        event = {"id": f"evt_adv_{i}", "object": "event", "api_version": "2024-06-20", "created": 1790000000,
                 "type": "checkout.session.completed", "livemode": False,
                 "data": {"object": {"id": f"cs_adv_{i}", "object": "checkout.session", "status": "complete",
                                     "payment_status": "paid", "amount_total": 4500, "currency": "eur",
                                     "metadata": {"order_id": f"adv-{i}"}}}}
        out.write("POST /webhooks/stripe " + json.dumps(event, separators=(",", ":")) + "\n")
with open(f"{tmp}/chatwoot.txt", "w") as out:
    for i in range(60000):
        message["id"] = 1_000_000 + i
        message["conversation"]["id"] = 5000 + i % 200
        message["content"] = f"Hoi, bericht {i}"
        out.write(f"POST /webhooks/chatwoot?token={token} " + json.dumps(message, separators=(",", ":")) + "\n")
PY

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$tutorbot_pid/status"; }
rss_before=$(rss_kib)
rss_max=$rss_before
(
  while kill -0 "$tutorbot_pid" 2>/dev/null; do rss_kib; sleep 0.5; done
) >"$bench_tmp/rss.txt" 2>/dev/null &
sampler=$!

"$bench_build/bench/hostile_load" --target "127.0.0.1:$port" --duration "$attack_seconds" --from "$sources" \
  --slowloris "$slowloris" --unknown-methods "$floods" --readyz "$floods" --chunk-extensions "$floods" \
  >"$bench_tmp/hostile.txt" 2>&1 &
attackers=$!

# The legitimate client starts once the slowloris connections are in and stops before the attack does.
sleep 3
legit_seconds=$((attack_seconds - 6))
"$bench_build/bench/http_load" --target "127.0.0.1:$port" --connections 1 --duration "$legit_seconds" \
  --requests-file "$bench_tmp/stripe.txt" --stripe-secret "$stripe_secret" --timeout 10 \
  --results "$bench_tmp/stripe-results.txt" --label legit_stripe >"$bench_tmp/stripe-summary.txt" 2>&1 &
stripe_client=$!
"$bench_build/bench/http_load" --target "127.0.0.1:$port" --connections 1 --duration "$legit_seconds" \
  --requests-file "$bench_tmp/chatwoot.txt" --chatwoot-secret "$chatwoot_secret" --timeout 10 \
  --results "$bench_tmp/chatwoot-results.txt" --label legit_chatwoot >"$bench_tmp/chatwoot-summary.txt" 2>&1 || true
wait "$stripe_client" || true
wait "$attackers" || bench_die "hostile_load failed: $(cat "$bench_tmp/hostile.txt")"
rss_after=$(rss_kib)
kill "$sampler" 2>/dev/null || true
rss_max=$(sort -n "$bench_tmp/rss.txt" | tail -1)

# Per legitimate request: answered 200 within 1 s, or not (any other status, no answer, late).
cat "$bench_tmp/stripe-results.txt" "$bench_tmp/chatwoot-results.txt" >"$bench_tmp/legit-results.txt"
read -r sent within_1s < <(awk '{ n++; if ($2 == 200 && $3 <= 1000000) ok++ } END { print n + 0, ok + 0 }' \
  "$bench_tmp/legit-results.txt")
late_or_failed=$((sent - within_1s))
# Nearest-rank p99 of the latencies; a request without an answer counts as endless.
p99_ms=$(awk '{ print ($2 == 0 ? 1e15 : $3) }' "$bench_tmp/legit-results.txt" | sort -g |
  awk -v n="$sent" 'BEGIN { r = int(0.99 * n); if (r < 0.99 * n) r++; if (r < 1) r = 1 } NR == r { printf "%.1f", $1 / 1000 }')
share=$(awk -v ok="$within_1s" -v n="$sent" 'BEGIN { printf "%.4f", n ? 100 * ok / n : 0 }')
goal=missed
[ "$sent" -gt 0 ] && bench_le 99.9 "$share" && goal=met
echo "adversarial_load: attack_seconds=$attack_seconds slowloris=$slowloris floods=$floods sources=$sources" \
     "legit_webhooks=$sent acked_within_1s=$within_1s (${share}%) late_or_failed=$late_or_failed p99=${p99_ms}ms" \
     "rss_before=$((rss_before / 1024))MiB rss_max=$((rss_max / 1024))MiB rss_after=$((rss_after / 1024))MiB" \
     "goal(>=99.9%_within_1s)=$goal"
cat "$bench_tmp/stripe-summary.txt" "$bench_tmp/chatwoot-summary.txt" "$bench_tmp/hostile.txt"
kill -0 "$tutorbot_pid" 2>/dev/null || bench_die "tutorbot died under the attack (log: $bench_tmp/a.log)"
[ "$goal" = met ]
