#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running Guanxi with demo data:
# installs what is missing, builds the server and the web UI, fills ./data with demo data on first
# run, and starts the server on http://127.0.0.1:8080/ (Ctrl-C stops it).
#
#   GUANXI_ADMIN_PASSWORD=...   choose the admin password (else one is generated and printed once)
#   GUANXI_LISTEN=0.0.0.0:8080  listen elsewhere
#   GUANXI_DEMO_CUSTOMERS=2000  size of the demo data set
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"

if [ -f web/package.json ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
fi

BIN=build/release/server/guanxi
if [ ! -f data/guanxi.db ]; then
  "$BIN" demo-data --data ./data --customers "${GUANXI_DEMO_CUSTOMERS:-2000}" --log-level warn
fi
exec "$BIN" serve --data ./data --listen "${GUANXI_LISTEN:-127.0.0.1:8080}" --web-root web/dist
