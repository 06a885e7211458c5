#!/usr/bin/env bash
# contention: can two tutorbot instances sharing one database double-book a tutor?
#
# One PostgreSQL, two tutorbot instances, 4 tutors. 20,000 hold attempts, each with its own
# student_ref (c-1 .. c-20000), aimed at a small set of deliberately overlapping candidate
# starts (3 weekdays x 15:00-17:45 local in 15-minute steps x 4 tutors, 60 or 90 minutes),
# sent over 128 keep-alive connections: two http_load processes of 64, one per instance,
# each with half of the attempts, running at the same time.
# Afterwards, in SQL: no two active bookings of one tutor overlap; every 201 has its row with
# its student_ref; no 409 has a row; no other answer left a row behind.
# Goal: 0 double bookings (exit 1 otherwise, or when a cross-check fails); p99 hold <= 25 ms.
#
#   bench/contention.sh
#   TUTORBOT_BUILD_DIR=build-bench CONTENTION_ATTEMPTS=2000 bench/contention.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

tutors=${CONTENTION_TUTORS:-4}
attempts=${CONTENTION_ATTEMPTS:-20000}
per_instance=${CONTENTION_CONNECTIONS_PER_INSTANCE:-64}
seed=${CONTENTION_SEED:-4}

bench_init contention
bench_pg_start
# 60-minute holds: none may expire (and be swept) while the run is checked.
bench_write_config "$bench_tmp/config" "$tutors" 60 8
bench_migrate "$bench_tmp/config"
bench_insert_tutors "$tutors"

# Candidate starts: the first 3 weekdays from the day after tomorrow (local dates), 15:00 to
# 17:45 local every 15 minutes, as UTC instants. With 60- and 90-minute lessons they overlap
# heavily: about 4 lessons fit per tutor and day, so nearly every attempt meets a rival.
starts=()
days=()
for ((d = 2; ${#days[@]} < 3; d++)); do
  day=$(TZ=Europe/Amsterdam date -d "today + $d days" +%F)
  [ "$(date -d "$day" +%u)" -le 5 ] && days+=("$day")
done
for day in "${days[@]}"; do
  for hm in 15:00 15:15 15:30 15:45 16:00 16:15 16:30 16:45 17:00 17:15 17:30 17:45; do
    starts+=("$(date -u -d "TZ=\"Europe/Amsterdam\" $day $hm" +%Y-%m-%dT%H:%M:%SZ)")
  done
done
printf '%s\n' "${starts[@]}" | awk -v n="$attempts" -v tutors="$tutors" -v seed="$seed" \
    -v a="$bench_tmp/requests-a.txt" -v b="$bench_tmp/requests-b.txt" '
  { start[NR] = $0 }
  END {
    srand(seed)
    for (i = 1; i <= n; i++) {
      line = sprintf("POST /api/v1/holds {\"tutor_id\":\"t%03d\",\"start\":\"%s\",\"duration_minutes\":%d,\"student_ref\":\"c-%d\"}",
                     1 + int(rand() * tutors), start[1 + int(rand() * NR)], rand() < 0.5 ? 60 : 90, i)
      print line > (i % 2 ? a : b)
    }
  }'

port_a=$(bench_free_port)
port_b=$(bench_free_port)
[ "$port_a" != "$port_b" ] || port_b=$(bench_free_port)
bench_start_tutorbot a "$bench_tmp/config" "$port_a"
bench_start_tutorbot b "$bench_tmp/config" "$port_b"
bench_wait_ready "$port_a" 60 a
bench_wait_ready "$port_b" 60 b
# Every tutor's calendar is loaded on both instances before the race (and the routes exist).
for port in "$port_a" "$port_b"; do
  bench_api_probe "$port" /api/v1/tutors
  for ((i = 1; i <= tutors; i++)); do
    printf -v id 't%03d' "$i"
    bench_api_probe "$port" "/api/v1/tutors/$id/slots?from=${days[0]}&to=${days[2]}&duration=60"
  done
done

bench_say "racing: $attempts hold attempts over $((2 * per_instance)) connections on 2 instances"
for side in a b; do
  port_var=port_$side
  "$bench_build/bench/http_load" --target "127.0.0.1:${!port_var}" --connections "$per_instance" \
    --requests-file "$bench_tmp/requests-$side.txt" --once --expect 409 --token "$bench_token" \
    --results "$bench_tmp/results-$side.txt" --timeout 30 --label "contention-$side" \
    >"$bench_tmp/summary-$side.txt" &
  load_pids+=($!)
done
for pid in "${load_pids[@]}"; do wait "$pid" || true; done  # unexpected answers are judged below
for side in a b; do
  [ -s "$bench_tmp/summary-$side.txt" ] || bench_die "http_load for instance $side printed no summary"
  bench_say "$(cat "$bench_tmp/summary-$side.txt")"
done
for pid in "${bench_pids[@]}"; do
  kill -0 "$pid" 2>/dev/null || bench_die "a tutorbot instance exited during the run (logs in $bench_tmp)"
done

# Results -> one table: student_ref (from the request line), status, booking_id, latency.
for side in a b; do
  awk -v side="$side" '
    NR == FNR { ref[FNR] = $0; sub(/.*"student_ref":"/, "", ref[FNR]); sub(/".*/, "", ref[FNR]); next }
    {
      id = "\\N"
      if ($2 == 201 && match($0, /"booking_id" *: *"[0-9a-fA-F-]+"/)) {
        id = substr($0, RSTART, RLENGTH); sub(/.*: *"/, "", id); sub(/"$/, "", id)
      }
      printf "%s\t%s\t%d\t%s\t%d\n", side, ref[$1], $2, id, $3
    }' "$bench_tmp/requests-$side.txt" "$bench_tmp/results-$side.txt"
done >"$bench_tmp/results.tsv"

bench_psql <<SQL
CREATE TABLE bench_results (instance text, student_ref text, status int, booking_id uuid, latency_us bigint);
\copy bench_results FROM '$bench_tmp/results.tsv'
SQL
read -r recorded winners conflicts other p99_us statuses < <(bench_psql -At -F ' ' -c "
  SELECT count(*), count(*) FILTER (WHERE status = 201), count(*) FILTER (WHERE status = 409),
         count(*) FILTER (WHERE status NOT IN (201, 409)),
         coalesce(percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_us) FILTER (WHERE status > 0), 0),
         (SELECT string_agg(status || ':' || n, ',' ORDER BY status)
            FROM (SELECT status, count(*) AS n FROM bench_results GROUP BY status) AS s)
  FROM bench_results")
read -r double_bookings winners_without_row conflicts_with_row rows_without_winner < <(bench_psql -At -F ' ' -c "
  SELECT
    (SELECT count(*) FROM bookings a JOIN bookings b
       ON a.id < b.id AND a.tutor_id = b.tutor_id AND a.blocked && b.blocked
     WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')),
    (SELECT count(*) FROM bench_results r WHERE r.status = 201 AND NOT EXISTS (
       SELECT 1 FROM bookings b WHERE b.id = r.booking_id AND b.student_ref = r.student_ref
                                  AND b.status IN ('held', 'confirmed'))),
    (SELECT count(*) FROM bench_results r WHERE r.status = 409 AND EXISTS (
       SELECT 1 FROM bookings b WHERE b.student_ref = r.student_ref)),
    -- a row whose attempt got an answer other than 201 or 409 (the 409s are counted above)
    (SELECT count(*) FROM bookings b JOIN bench_results r USING (student_ref)
     WHERE r.status NOT IN (201, 409, 0))")
p99_ms=$(awk -v us="$p99_us" 'BEGIN { printf "%.3f", us / 1000 }')

[ "$recorded" -eq "$attempts" ] || bench_die "$recorded results recorded for $attempts attempts"
goal_p99=missed
bench_le "$p99_ms" 25 && goal_p99=met
echo "contention: instances=2 connections=$((2 * per_instance)) attempts=$attempts winners=$winners" \
     "conflicts=$conflicts other=$other double_bookings=$double_bookings p99_hold=${p99_ms}ms" \
     "goal_p99<=25ms=$goal_p99"
failed=0
[ "$other" -eq 0 ] || bench_say "warning: $other attempts got neither 201 nor 409 (statuses $statuses)"
[ "$double_bookings" -eq 0 ] || { bench_say "FAILED: $double_bookings pairs of overlapping active bookings"; failed=1; }
[ "$winners_without_row" -eq 0 ] || { bench_say "FAILED: $winners_without_row answers 201 have no held row with their student_ref"; failed=1; }
[ "$conflicts_with_row" -eq 0 ] || { bench_say "FAILED: $conflicts_with_row answers 409 left a row behind"; failed=1; }
[ "$rows_without_winner" -eq 0 ] || { bench_say "FAILED: $rows_without_winner rows belong to attempts answered neither 201 nor 409"; failed=1; }
[ "$winners" -gt 0 ] || { bench_say "FAILED: no attempt won a hold"; failed=1; }
exit "$failed"
