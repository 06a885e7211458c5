#!/usr/bin/env bash
# A private PostgreSQL 15 cluster in a directory of ours, on its own port and socket.
#   pg.sh start DIR PORT   initdb when DIR is new, then start (waits until it accepts)
#   pg.sh stop DIR         fast shutdown
#   pg.sh restart DIR
#   pg.sh url DIR PORT [DB] prints the libpq URL
# As root, initdb and the server run as the postgres user (PostgreSQL refuses root).
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
cmd=${1:?usage: pg.sh start|stop|restart|url DIR [PORT]}
dir=$(realpath -m "${2:?data directory}")

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

db_user() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

case "$cmd" in
  start)
    port=${3:?port}
    if [ ! -f "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
      chmod 700 "$dir"
      as_owner "$bin/initdb" -D "$dir" -A trust -U "$(db_user)" -E UTF8 --locale=C.UTF-8 >/dev/null
      cat >>"$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
fsync = on
logging_collector = off
CONF
    fi
    if as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then exit 0; fi
    as_owner "$bin/pg_ctl" -D "$dir" -o "-p $port" -l "$dir/server.log" -w -t 60 start >/dev/null
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  restart)
    as_owner "$bin/pg_ctl" -D "$dir" -m fast -w -t 60 restart >/dev/null
    ;;
  url)
    port=${3:?port}
    echo "postgresql://$(db_user)@127.0.0.1:$port/${4:-postgres}"
    ;;
  *)
    echo "pg.sh: unknown command $cmd" >&2; exit 64 ;;
esac
