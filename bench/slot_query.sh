#!/usr/bin/env bash
# slot_query: how fast one tutorbot answers slot queries from memory under load.
#
# 200 tutors, each with 1,000 confirmed bookings over the 12-week horizon (inserted with one
# INSERT ... SELECT generate_series), one tutorbot instance, 64 keep-alive connections for 30 s
# asking GET /api/v1/tutors/{id}/slots for random tutors and random 14-day windows.
# Goal: p99 <= 5 ms and >= 5,000 queries/s. Exit status: 0 when the run completed without
# errors (goals missed are reported, not failed), 1 on errors or broken plumbing.
#
#   bench/slot_query.sh
#   TUTORBOT_BUILD_DIR=build-bench SLOT_QUERY_DURATION=10 bench/slot_query.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

tutors=${SLOT_QUERY_TUTORS:-200}
per_tutor=${SLOT_QUERY_BOOKINGS_PER_TUTOR:-1000}
connections=${SLOT_QUERY_CONNECTIONS:-64}
duration=${SLOT_QUERY_DURATION:-30}
warmup=${SLOT_QUERY_WARMUP:-5}
lines=${SLOT_QUERY_LINES:-20000}
seed=${SLOT_QUERY_SEED:-4}
((per_tutor <= 1008)) || { echo "slot_query: at most 1008 bookings per tutor fit the 2-hour grid" >&2; exit 64; }

bench_init slot_query
bench_pg_start
bench_write_config "$bench_tmp/config" "$tutors" 20 4
bench_migrate "$bench_tmp/config"
bench_insert_tutors "$tutors"

# One booking every 2 hours, round the clock, from today's midnight (UTC) on: 1,000 of them
# span 83 days of the 84-day horizon. Tutors are shifted by 0/15/30/45 minutes so that they
# differ. Inside working hours this leaves a free hour between bookings: a 60-minute query
# finds a handful of slots per day (a realistically busy tutor), a 90-minute one none.
bench_say "inserting $((tutors * per_tutor)) bookings"
started=$SECONDS
# session_replication_role = replica skips the bookings_changed NOTIFY trigger (and the
# foreign-key triggers) for this bulk load only: no instance listens yet, and the tutors exist.
bench_psql <<SQL
SET session_replication_role = replica;
INSERT INTO bookings (tutor_id, student_ref, lesson, blocked, status, product_id, confirmed_at)
SELECT format('t%s', lpad(t::text, 3, '0')),
       format('seed-%s-%s', t, k),
       tstzrange(s, s + interval '60 minutes'),
       tstzrange(s, s + interval '60 minutes'),
       'confirmed', 'lesson-60', now()
FROM generate_series(1, $tutors) AS t,
     generate_series(0, $per_tutor - 1) AS k,
     LATERAL (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                     + k * interval '2 hours' + (t % 4) * interval '15 minutes' AS s) AS start;
ANALYZE bookings;
SQL
count=$(bench_psql -At -c "SELECT count(*) FROM bookings WHERE status = 'confirmed'")
[ "$count" -eq $((tutors * per_tutor)) ] || bench_die "expected $((tutors * per_tutor)) bookings, found $count"
bench_say "inserted $count bookings in $((SECONDS - started))s"

# Random tutors and 14-day windows (both dates inclusive) that start within the first 10
# weeks, so every window lies inside the horizon. Duration 60 (3 of 4) or 90 (1 of 4).
dates=()
for ((d = 0; d <= 70; d++)); do
  dates+=("$(TZ=Europe/Amsterdam date -d "today + $d days" +%F)|$(TZ=Europe/Amsterdam date -d "today + $((d + 13)) days" +%F)")
done
printf '%s\n' "${dates[@]}" | awk -v n="$lines" -v tutors="$tutors" -v seed="$seed" '
  { from[NR] = substr($0, 1, 10); to[NR] = substr($0, 12, 10) }
  END {
    srand(seed)
    for (i = 0; i < n; i++) {
      d = 1 + int(rand() * NR)
      printf "GET /api/v1/tutors/t%03d/slots?from=%s&to=%s&duration=%d\n",
             1 + int(rand() * tutors), from[d], to[d], rand() < 0.75 ? 60 : 90
    }
  }' >"$bench_tmp/requests.txt"

port=$(bench_free_port)
bench_start_tutorbot a "$bench_tmp/config" "$port"
bench_wait_ready "$port" 60 a
first=$(head -n 1 "$bench_tmp/requests.txt" | cut -d' ' -f2)
bench_api_probe "$port" "$first"
grep -q '"start"' "$bench_tmp/probe.json" || bench_say "note: the probe $first found no free slot"

load=("$bench_build/bench/http_load" --target "127.0.0.1:$port" --connections "$connections"
      --requests-file "$bench_tmp/requests.txt" --token "$bench_token")
bench_say "warming up for ${warmup}s (every tutor's calendar gets loaded)"
"${load[@]}" --duration "$warmup" --label warmup >&2 || bench_die "the warm-up had errors"
bench_say "measuring: $connections connections for ${duration}s"
set +e
summary=$("${load[@]}" --duration "$duration" --label slot_query)
load_rc=$?
set -e
[ -n "$summary" ] || bench_die "http_load printed no summary (exit $load_rc)"
kill -0 "${bench_pids[0]}" 2>/dev/null || bench_die "tutorbot exited during the run (see $bench_tmp/a.log)"

requests=$(bench_field "$summary" requests)
rps=$(bench_field "$summary" rps)
p50=$(bench_field "$summary" p50)
p99=$(bench_field "$summary" p99)
max=$(bench_field "$summary" max)
errors=$(($(bench_field "$summary" errors) + $(bench_field "$summary" conn_errors)))
goal_p99=missed goal_rps=missed
bench_le "${p99%ms}" 5 && goal_p99=met
bench_le 5000 "$rps" && goal_rps=met
echo "slot_query: tutors=$tutors bookings=$count connections=$connections duration=${duration}s" \
     "requests=$requests rps=$rps p50=$p50 p99=$p99 max=$max errors=$errors" \
     "goal_p99<=5ms=$goal_p99 goal_rps>=5000=$goal_rps"
[ "$errors" -eq 0 ] || { echo "slot_query: $summary" >&2; exit 1; }
