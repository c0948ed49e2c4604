#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL 15 cluster for the tests: UTF-8 (C.UTF-8, so Chinese has
# trigrams), pg_trgm, listening on 127.0.0.1 only, trust authentication for the local test user.
#   scripts/pg.sh start   → prints the URL to use as GUANXI_TEST_PG_URL
#   scripts/pg.sh stop
set -euo pipefail

# Each checkout gets its own cluster and port, so two checkouts on one machine never share one.
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROOT_HASH=$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)
PGPORT="${GUANXI_PG_PORT:-$((54000 + ROOT_HASH % 900))}"
PGDIR="${GUANXI_PG_DIR:-/tmp/guanxi-pg-$PGPORT}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$BIN/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if [ ! -f "$PGDIR/PG_VERSION" ]; then
      rm -rf "$PGDIR"
      mkdir -p "$PGDIR"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDIR"
      as_postgres "$BIN/initdb" -D "$PGDIR" -U postgres --encoding=UTF8 --locale=C.UTF-8 --auth=trust >/dev/null
    fi
    if ! as_postgres "$BIN/pg_ctl" -D "$PGDIR" status >/dev/null 2>&1; then
      as_postgres "$BIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w \
        -o "-p $PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PGDIR -c fsync=off -c max_connections=300" start >/dev/null
    fi
    psql_cmd=("$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -q)
    if ! "${psql_cmd[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'guanxi_test'" | grep -q 1; then
      "${psql_cmd[@]}" -c "CREATE DATABASE guanxi_test TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
    fi
    "${psql_cmd[@]}" -d guanxi_test -c "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"
    echo "postgresql://postgres@127.0.0.1:$PGPORT/guanxi_test"
    ;;
  stop)
    if [ -f "$PGDIR/PG_VERSION" ]; then
      as_postgres "$BIN/pg_ctl" -D "$PGDIR" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
