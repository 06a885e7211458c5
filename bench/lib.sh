# Shared plumbing for the benchmark scripts (sourced, not run): a throwaway PostgreSQL,
# generated configuration, tutorbot instances, readiness polling, and cleanup on exit.
# Everything lives in one temp dir under /tmp and is removed on exit (BENCH_KEEP=1 keeps it).

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_build=${TUTORBOT_BUILD_DIR:-$bench_root/build}
bench_build=$(realpath -m "$bench_build")
bench_pg_started=""
bench_pids=()

bench_say() { echo "$bench_name: $*" >&2; }
bench_die() { echo "$bench_name: ERROR: $*" >&2; exit 1; }

bench_cleanup() {
  local rc=$?
  set +e
  local pid
  for pid in "${bench_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null; done
  [ -n "$bench_pg_started" ] && "$bench_root/scripts/pg.sh" stop "$bench_tmp/pg"
  if [ "${BENCH_KEEP:-0}" = 1 ] || { [ "$rc" -ne 0 ] && [ "${BENCH_KEEP_ON_FAILURE:-1}" = 1 ]; }; then
    [ "$rc" -ne 0 ] && bench_say "failed (exit $rc); logs and data kept in $bench_tmp"
  else
    rm -rf "$bench_tmp"
  fi
  exit "$rc"
}

# bench_init NAME: checks the binaries, makes the temp dir, installs the exit trap.
bench_init() {
  bench_name=$1
  for exe in "$bench_build/tutorbot" "$bench_build/bench/http_load"; do
    [ -x "$exe" ] || bench_die "$exe is missing: build it (scripts/build.sh, or set TUTORBOT_BUILD_DIR to a build dir that has tutorbot and bench/http_load)"
  done
  command -v curl >/dev/null || bench_die "curl is missing (apt-get install curl)"
  command -v psql >/dev/null || bench_die "psql is missing (apt-get install postgresql-client-15)"
  bench_tmp=$(mktemp -d "/tmp/tutorbot-bench-$bench_name.XXXXXX")
  chmod 755 "$bench_tmp"  # pg.sh runs PostgreSQL as the postgres user when we are root
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  bench_token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
}

# A free TCP port on loopback (the kernel picks it; a race with another program is unlikely).
bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# bench_pg_start: a private PostgreSQL 15 with a `tutorbot` database; sets bench_db_url.
bench_pg_start() {
  local port
  port=$(bench_free_port)
  bench_say "starting PostgreSQL on 127.0.0.1:$port"
  bench_pg_started=1
  "$bench_root/scripts/pg.sh" start "$bench_tmp/pg" "$port" || bench_die "PostgreSQL did not start (see $bench_tmp/pg/server.log)"
  psql -q -v ON_ERROR_STOP=1 "$("$bench_root/scripts/pg.sh" url "$bench_tmp/pg" "$port")" \
    -c "CREATE DATABASE tutorbot" >/dev/null || bench_die "cannot create the tutorbot database"
  bench_db_url=$("$bench_root/scripts/pg.sh" url "$bench_tmp/pg" "$port" tutorbot)
}

bench_psql() { psql -X -q -v ON_ERROR_STOP=1 "$bench_db_url" "$@"; }

# bench_write_config DIR TUTORS HOLD_MINUTES POOL_SIZE: three YAML files every benchmark shares:
# tutors t001..tNNN, weekdays 09:00-21:00 and Saturday 09:00-13:00, 15-minute step, 60 and
# 90-minute lessons, no buffers, no notice, 12-week horizon, no holidays, no daily cap;
# providers off (no secrets needed); warn-level logs (a log line per request would be measured).
# Validated with `tutorbot check-config`; a problem stops the benchmark.
bench_write_config() {
  local dir=$1 tutors=$2 hold=$3 pool=$4
  mkdir -p "$dir"
  cat >"$dir/tutorbot.yaml" <<YAML
service:
  listen: 127.0.0.1:8080
  log_level: warn
http:
  header_limit_bytes: 8192
  body_limit_bytes: 1048576
  read_timeout_seconds: 30
  idle_timeout_seconds: 120
  max_connections: 512
  shutdown_grace_seconds: 4
database:
  url: postgresql:///tutorbot
  pool_size: $pool
  connect_timeout_seconds: 5
providers:
  stripe:
    enabled: false
  google:
    enabled: false
  chatwoot:
    enabled: false
YAML
  {
    cat <<YAML
timezone: Europe/Amsterdam
defaults:
  buffer_before_minutes: 0
  buffer_after_minutes: 0
  min_notice_hours: 0
  horizon_weeks: 12
  slot_step_minutes: 15
  durations_minutes: [60, 90]
  max_lessons_per_day: 0
school_holidays: []
tutors:
YAML
    local i id
    for ((i = 1; i <= tutors; i++)); do
      printf -v id 't%03d' "$i"
      cat <<YAML
  - id: $id
    name: Tutor $id
    hours:
      mon: ["09:00-21:00"]
      tue: ["09:00-21:00"]
      wed: ["09:00-21:00"]
      thu: ["09:00-21:00"]
      fri: ["09:00-21:00"]
      sat: ["09:00-13:00"]
YAML
    done
  } >"$dir/calendar_config.yaml"
  cat >"$dir/payment_config.yaml" <<YAML
currency: EUR
hold_minutes: $hold
trial_once_per_student: true
default_vat: exempt
weekend_discount_percent: 0
cancellation:
  refund_tiers:
    - { min_notice_hours: 24, refund_percent: 100 }
  credit_instead_of_refund: false
products:
  - id: lesson-60
    kind: lesson
    name_nl: Bijles 60 minuten
    name_en: Tutoring lesson, 60 minutes
    duration_minutes: 60
    price: 45.00
  - id: lesson-90
    kind: lesson
    name_nl: Bijles 90 minuten
    name_en: Tutoring lesson, 90 minutes
    duration_minutes: 90
    price: 65.00
YAML
  local out
  if ! out=$(DATABASE_URL=$bench_db_url TUTORBOT_API_TOKEN=$bench_token \
               "$bench_build/tutorbot" check-config --config "$dir" 2>&1); then
    echo "$out" >&2
    bench_die "the generated configuration in $dir is refused by tutorbot check-config"
  fi
}

# The same tutors as the configuration, so bookings can be inserted before `serve` upserts them.
bench_insert_tutors() {
  local tutors=$1
  bench_psql -c "INSERT INTO tutors (id, name)
                 SELECT format('t%s', lpad(i::text, 3, '0')), format('Tutor t%s', lpad(i::text, 3, '0'))
                 FROM generate_series(1, $tutors) AS i
                 ON CONFLICT (id) DO NOTHING" >/dev/null
}

bench_migrate() {
  local dir=$1
  DATABASE_URL=$bench_db_url TUTORBOT_API_TOKEN=$bench_token \
    "$bench_build/tutorbot" migrate --config "$dir" >"$bench_tmp/migrate.log" 2>&1 \
    || { cat "$bench_tmp/migrate.log" >&2; bench_die "tutorbot migrate failed"; }
}

# bench_start_tutorbot NAME CONFIG_DIR PORT: starts `tutorbot serve` in the background.
bench_start_tutorbot() {
  local name=$1 dir=$2 port=$3
  DATABASE_URL=$bench_db_url TUTORBOT_LISTEN=127.0.0.1:$port TUTORBOT_API_TOKEN=$bench_token \
    "$bench_build/tutorbot" serve --config "$dir" --no-migrate 2>"$bench_tmp/$name.log" >&2 &
  bench_pids+=($!)
  bench_say "started tutorbot $name (pid $!) on 127.0.0.1:$port, log $bench_tmp/$name.log"
}

# bench_wait_ready PORT SECONDS: polls /readyz until 200; fails with the log on timeout.
bench_wait_ready() {
  local port=$1 limit=$2 name=$3 code=""
  local deadline=$((SECONDS + limit))
  while ((SECONDS < deadline)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/readyz" || true)
    [ "$code" = 200 ] && return 0
    sleep 0.1
  done
  tail -n 20 "$bench_tmp/$name.log" >&2 || true
  bench_die "tutorbot $name on port $port not ready within ${limit}s (last /readyz answer: ${code:-none})"
}

# bench_api_probe PORT PATH: the API route must answer 2xx; otherwise say so clearly.
bench_api_probe() {
  local port=$1 path=$2 code
  code=$(curl -s -o "$bench_tmp/probe.json" -w '%{http_code}' --max-time 5 \
           -H "Authorization: Bearer $bench_token" "http://127.0.0.1:$port$path" || true)
  case "$code" in
    2*) return 0 ;;
    404 | 405) bench_die "GET $path answered $code: this build of tutorbot has no bookings API yet (issue 4)" ;;
    *) bench_die "GET $path answered ${code:-nothing}: $(head -c 300 "$bench_tmp/probe.json" 2>/dev/null)" ;;
  esac
}

# bench_field LINE KEY: the value of key=value in an http_load summary line.
bench_field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

# Floating-point comparison for the goal checks: bench_le A B is true when A <= B.
bench_le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
