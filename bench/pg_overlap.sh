#!/usr/bin/env bash
# pg_overlap: the bookings_no_overlap exclusion constraint alone, without tutorbot.
#
# A throwaway PostgreSQL with the schema/ migrations applied by psql; pgbench with 16 clients
# inserts held bookings (60 or 90 minutes, buffers 10 before / 5 after, so lessons that only
# touch still collide) at random starts among a small set of overlapping candidates:
# 4 tutors x 3 days x 12 starts 15 minutes apart. Two ways, each with its own tutors:
#   error path:  a plain INSERT, as tutorbot does; the exclusion violation (23P01) is caught
#                in a plpgsql function (pgbench 15 aborts a client on any other error);
#   on_conflict: INSERT ... ON CONFLICT DO NOTHING (which does apply to exclusion constraints).
# Afterwards the self-join must find 0 overlapping active bookings. Exit 1 otherwise, or when
# an attempt failed for another reason, or when no attempt collided (nothing was tested).
#
#   bench/pg_overlap.sh
#   PG_OVERLAP_CLIENTS=32 PG_OVERLAP_TRANSACTIONS=2000 bench/pg_overlap.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

clients=${PG_OVERLAP_CLIENTS:-16}
per_client=${PG_OVERLAP_TRANSACTIONS:-1000}
threads=${PG_OVERLAP_THREADS:-2}
# Concurrent plain INSERTs of conflicting rows can deadlock inside the exclusion check (each
# waits for the other's transaction); PostgreSQL breaks the cycle after deadlock_timeout
# (1 s by default) with 40P01. A shorter timeout keeps the run short; the count is reported.
deadlock_timeout=${PG_OVERLAP_DEADLOCK_TIMEOUT:-100ms}

bench_name=pg_overlap
command -v pgbench >/dev/null || bench_die "pgbench is missing (apt-get install postgresql-contrib-15 or postgresql-15)"
command -v psql >/dev/null || bench_die "psql is missing (apt-get install postgresql-client-15)"
bench_tmp=$(mktemp -d /tmp/tutorbot-bench-pg_overlap.XXXXXX)
chmod 755 "$bench_tmp"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

bench_pg_start
for file in "$bench_root"/schema/[0-9][0-9][0-9]_*.sql; do
  bench_psql -f "$file" >/dev/null || bench_die "applying $file failed"
done

bench_psql <<'SQL'
INSERT INTO tutors (id, name)
SELECT prefix || i, 'pg_overlap ' || prefix || i
FROM unnest(ARRAY['e', 'd']) AS prefix, generate_series(1, 4) AS i;

-- The candidate lesson: day 0..2 from the day after tomorrow, 14:00 UTC + slot x 15 minutes.
CREATE FUNCTION bench_lesson(day int, slot int, long boolean) RETURNS tstzrange
LANGUAGE sql IMMUTABLE AS $$
  SELECT tstzrange(s, s + CASE WHEN long THEN interval '90 minutes' ELSE interval '60 minutes' END)
  FROM (SELECT date '2030-01-07' + day + time '14:00' + slot * interval '15 minutes' AS t) AS x,
       LATERAL (SELECT x.t AT TIME ZONE 'UTC' AS s) AS y
$$;

-- The blocked period: the lesson plus 10 minutes before and 5 after.
CREATE FUNCTION bench_blocked(lesson tstzrange) RETURNS tstzrange LANGUAGE sql IMMUTABLE AS $$
  SELECT tstzrange(lower(lesson) - interval '10 minutes', upper(lesson) + interval '5 minutes')
$$;

-- The error path: a plain INSERT; only the exclusion violation counts as "taken".
CREATE TABLE bench_outcomes (won boolean NOT NULL);
CREATE FUNCTION bench_try_hold(tutor text, lesson tstzrange, ref text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO bookings (tutor_id, student_ref, lesson, blocked, status, hold_expires_at, product_id)
  VALUES (tutor, ref, lesson, bench_blocked(lesson), 'held', now() + interval '1 hour',
          CASE WHEN upper(lesson) - lower(lesson) > interval '60 minutes' THEN 'lesson-90' ELSE 'lesson-60' END);
  INSERT INTO bench_outcomes VALUES (true);
  RETURN true;
EXCEPTION WHEN exclusion_violation THEN
  INSERT INTO bench_outcomes VALUES (false);
  RETURN false;
END $$;
SQL

cat >"$bench_tmp/error_path.sql" <<'PGB'
\set tutor random(1, 4)
\set day random(0, 2)
\set slot random(0, 11)
\set long random(0, 1)
SELECT bench_try_hold('e' || :tutor, bench_lesson(:day, :slot, :long = 1), 'pg-e-' || :client_id);
PGB
cat >"$bench_tmp/on_conflict.sql" <<'PGB'
\set tutor random(1, 4)
\set day random(0, 2)
\set slot random(0, 11)
\set long random(0, 1)
INSERT INTO bookings (tutor_id, student_ref, lesson, blocked, status, hold_expires_at, product_id)
SELECT 'd' || :tutor, 'pg-d-' || :client_id, l, bench_blocked(l), 'held', now() + interval '1 hour',
       CASE WHEN :long = 1 THEN 'lesson-90' ELSE 'lesson-60' END
FROM bench_lesson(:day, :slot, :long = 1) AS l
ON CONFLICT DO NOTHING;
PGB

# pgbench NAME SCRIPT: runs one phase; prints "tps deadlocks". pgbench 15 counts deadlock
# (and serialization) failures and goes on; any other error aborts a client and fails here.
run_phase() {
  local name=$1 out processed failed deadlocks
  bench_say "$name: $clients clients x $per_client transactions"
  if ! out=$(PGOPTIONS="-c deadlock_timeout=$deadlock_timeout" pgbench -n -c "$clients" -j "$threads" \
               -t "$per_client" --failures-detailed -f "$2" "$bench_db_url" 2>"$bench_tmp/$name.err"); then
    echo "$out" >&2
    tail -n 5 "$bench_tmp/$name.err" >&2
    bench_die "pgbench ($name) failed"
  fi
  echo "$out" >"$bench_tmp/$name.out"
  processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
  deadlocks=$(sed -n 's/^number of deadlock failures: \([0-9]*\).*/\1/p' <<<"$out")
  failed=${failed:-0} deadlocks=${deadlocks:-0}
  [ "$((processed + deadlocks))" -eq $((clients * per_client)) ] && [ "$failed" -eq "$deadlocks" ] \
    || { echo "$out" >&2; bench_die "$name: $processed processed + $deadlocks deadlocks of $((clients * per_client)) (failed: $failed)"; }
  echo "$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out" | head -n 1) $deadlocks"
}

read -r tps_error deadlocks_error < <(run_phase error_path "$bench_tmp/error_path.sql")
read -r tps_conflict deadlocks_conflict < <(run_phase on_conflict "$bench_tmp/on_conflict.sql")
[ -n "${deadlocks_error:-}" ] && [ -n "${deadlocks_conflict:-}" ] || bench_die "a pgbench phase failed (see above)"
tps_error=$(printf '%.0f' "$tps_error") tps_conflict=$(printf '%.0f' "$tps_conflict")

attempts=$((clients * per_client))
read -r won_error lost_error won_conflict overlaps < <(bench_psql -At -F ' ' -c "
  SELECT (SELECT count(*) FROM bench_outcomes WHERE won),
         (SELECT count(*) FROM bench_outcomes WHERE NOT won),
         (SELECT count(*) FROM bookings WHERE tutor_id LIKE 'd%'),
         (SELECT count(*) FROM bookings a JOIN bookings b
            ON a.id < b.id AND a.tutor_id = b.tutor_id AND a.blocked && b.blocked
          WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed'))")
rows_error=$(bench_psql -At -c "SELECT count(*) FROM bookings WHERE tutor_id LIKE 'e%'")

echo "pg_overlap: clients=$clients attempts_per_path=$attempts" \
     "error_path: tps=$tps_error winners=$won_error conflicts=$lost_error deadlocks=$deadlocks_error" \
     "on_conflict: tps=$tps_conflict winners=$won_conflict skipped=$((attempts - won_conflict - deadlocks_conflict)) deadlocks=$deadlocks_conflict" \
     "overlaps=$overlaps"
failed=0
[ "$overlaps" -eq 0 ] || { bench_say "FAILED: $overlaps pairs of overlapping active bookings"; failed=1; }
[ "$((won_error + lost_error + deadlocks_error))" -eq "$attempts" ] || { bench_say "FAILED: $((won_error + lost_error + deadlocks_error)) outcomes for $attempts attempts"; failed=1; }
[ "$rows_error" -eq "$won_error" ] || { bench_say "FAILED: $rows_error rows for $won_error winners"; failed=1; }
[ "$lost_error" -gt 0 ] && [ "$won_conflict" -lt "$attempts" ] || { bench_say "FAILED: no attempt collided; nothing was tested"; failed=1; }
exit "$failed"
