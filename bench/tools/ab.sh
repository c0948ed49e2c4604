#!/usr/bin/env bash
# A/B of two guanxi binaries on copies of one data set, alternating (old, new, old, new, ...), so a
# shared machine's load falls on both alike. Each run: a fresh copy of DATA, start the server, log
# in as admin, wrk one route for DURATION seconds, stop. Prints one line per run (req/s, p50, p99,
# the server's CPU and its group-commit writer thread's CPU per request in microseconds — which a
# loaded machine distorts much less than req/s —, the 1-minute load): report medians and ratios.
#   bench/tools/ab.sh OLD_BIN NEW_BIN DATA_DIR [ROUNDS]
#   env: ROUTES ("customer_create search4"), C (64: connections), T (2: wrk threads), DURATION (8),
#        SERVE_ARGS (e.g. "--page-cache-mb 0" to measure every search afresh),
#        AE_OLD / AE_NEW (the Accept-Encoding the GET routes send to each binary, e.g. "gzip"; none
#        by default), AB_TMP (where copies and results go, default /tmp)
# DATA_DIR is a `guanxi demo-data` folder, e.g. bench/data/sqlite-100000-s42 (bench/run makes it).
set -euo pipefail
OLD=$1 NEW=$2 DATA=$3 ROUNDS=${4:-3}
C=${C:-64} T=${T:-2} DURATION=${DURATION:-8} ROUTES=${ROUTES:-"customer_create"}
LUA="$(cd "$(dirname "$0")/.." && pwd)/lua/route.lua"
AB_TMP=${AB_TMP:-/tmp}
PORT=${PORT:-18181}
ticks() { awk '{print $14 + $15}' "$1"; }  # user + system CPU, in clock ticks
run_one() { # bin label route accept-encoding
  local bin=$1 label=$2 route=$3 dir=$AB_TMP/ab-$2 accept_encoding=$4
  rm -rf "$dir"; cp -r "$DATA" "$dir"
  # shellcheck disable=SC2086
  GUANXI_ADMIN_PASSWORD=bench-admin-1234 "$bin" serve --data "$dir" --listen 127.0.0.1:$PORT \
    --log-level warn --web-root "" ${SERVE_ARGS:-} >"$AB_TMP/ab-$label.log" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do curl -s http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.1; done
  local token
  token=$(curl -s -H 'Content-Type: application/json' \
    -d '{"username":"admin","password":"bench-admin-1234"}' \
    http://127.0.0.1:$PORT/api/v1/auth/login | python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])')
  sqlite3 "$dir/guanxi.db" "SELECT id FROM customers WHERE deleted_at IS NULL LIMIT 20000" >"$AB_TMP/ab-ids"
  local writer cpu0 wcpu0
  writer=$(ps -T -p "$pid" -o spid=,comm= | awk '$2=="gx-writer"{print $1}')
  cpu0=$(ticks "/proc/$pid/stat"); wcpu0=$(ticks "/proc/$pid/task/$writer/stat")
  BENCH_ROUTE=$route BENCH_TOKEN=$token BENCH_IDS="$AB_TMP/ab-ids" BENCH_OUT="$AB_TMP/ab-out.json" \
    BENCH_ACCEPT_ENCODING="$accept_encoding" \
    wrk -t"$T" -c"$C" -d"${DURATION}s" -s "$LUA" http://127.0.0.1:$PORT >/dev/null 2>&1
  local cpu wcpu
  cpu=$(( $(ticks "/proc/$pid/stat") - cpu0 )); wcpu=$(( $(ticks "/proc/$pid/task/$writer/stat") - wcpu0 ))
  python3 -c "import json,os; d=json.load(open('$AB_TMP/ab-out.json')); n=max(d['requests'],1); hz=os.sysconf('SC_CLK_TCK'); print('$label $route c=$C', round(d['rps']), 'p50', d['p50_ms'], 'p99', d['p99_ms'], 'errors', d['errors_status'], 'cpu_us/req', round($cpu/hz*1e6/n), 'writer_us/req', round($wcpu/hz*1e6/n), 'load', os.getloadavg()[0])"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
for _ in $(seq "$ROUNDS"); do
  for route in $ROUTES; do
    run_one "$OLD" old "$route" "${AE_OLD:-}"
    run_one "$NEW" new "$route" "${AE_NEW:-}"
  done
done
