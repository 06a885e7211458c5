# What the contract tests' run scripts share (sourced, after `set -euo pipefail`):
#   contract_begin NAME BINARY   checks BINARY (or $TUTORBOT_BINARY) and node, installs the locked
#                                npm packages of the calling script's folder and cds there; sets
#                                contract_name, root, binary and work (a folder removed on exit)
#   free_ports N                 N distinct free loopback ports, on one line
#   start_in_background LOG CMD… runs CMD with output to LOG; stopped on exit if still running
#   wait_until_ready PROBE…      runs PROBE until it succeeds (15 s, CONTRACT_READY_SECONDS)
#   stop_cleanly                 SIGTERM to the background process; fails unless it exits 0
#   on_exit CMD                  one more command for the exit trap
#   contract_end STATUS          shows the background process's log on failure; exits STATUS

contract_begin() {
  contract_name=$1
  local caller_dir
  caller_dir=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
  root=$(cd "$caller_dir/../../.." && pwd)
  binary=${2:-${TUTORBOT_BINARY:-}}
  if [ -z "$binary" ] || [ ! -x "$binary" ]; then
    echo "usage: $(basename "${BASH_SOURCE[1]}") BINARY (or TUTORBOT_BINARY=...): the tutorbot executable" >&2
    exit 2
  fi
  binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
  command -v node >/dev/null || { echo "$contract_name: node >= 20 is required" >&2; exit 2; }
  cd "$caller_dir"
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  work=$(mktemp -d)
  background_pid=
  background_log=
  exit_hooks=()
  trap contract_cleanup EXIT
}

contract_cleanup() {
  if [ -n "$background_pid" ] && kill -0 "$background_pid" 2>/dev/null; then
    kill -TERM "$background_pid" 2>/dev/null || true
    wait "$background_pid" 2>/dev/null || true
  fi
  local hook
  for hook in "${exit_hooks[@]}"; do eval "$hook" || true; done
  rm -rf "$work"
}

on_exit() { exit_hooks+=("$1"); }

free_ports() {
  node -e "
const net = require('net');
const servers = Array.from({length: $1}, () => net.createServer());
Promise.all(servers.map((s) => new Promise((r) => s.listen(0, '127.0.0.1', r)))).then(() => {
  console.log(servers.map((s) => s.address().port).join(' '));
  servers.forEach((s) => s.close());
});"
}

start_in_background() {
  background_log=$1
  shift
  "$@" >"$background_log" 2>&1 &
  background_pid=$!
}

wait_until_ready() {
  local deadline=$((SECONDS + ${CONTRACT_READY_SECONDS:-15}))
  until "$@" 2>/dev/null; do
    if ! kill -0 "$background_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "$contract_name: $(basename "${background_log%.log}") did not become ready" >&2
      cat "$background_log" >&2
      exit 1
    fi
    sleep 0.05
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1"); }

stop_cleanly() {
  kill -TERM "$background_pid"
  local status=0
  wait "$background_pid" || status=$?
  background_pid=
  if [ "$status" -ne 0 ]; then
    echo "$contract_name: $(basename "${background_log%.log}") exited with $status on SIGTERM" >&2
    cat "$background_log" >&2
    return 1
  fi
}

contract_end() {
  if [ "$1" -ne 0 ]; then
    echo "--- $(basename "${background_log%.log}") log ---" >&2
    tail -n 50 "$background_log" >&2
  fi
  exit "$1"
}
