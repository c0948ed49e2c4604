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
# Root is needed for packages only: as root, the server runs as the system user `guanxi`, which owns
# ./data and nothing else (docs/OPERATIONS.md). It must be able to read the build and web/dist.
AS=()
if [ "$(id -u)" -eq 0 ]; then
  id -u guanxi >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin guanxi
  mkdir -p data
  AS=(setpriv --reuid=guanxi --regid=guanxi --init-groups --no-new-privs)
  if ! "${AS[@]}" test -x "$BIN" -a -r web/dist/index.html 2>/dev/null; then
    # e.g. a clone under /root: still start, but say how to stop running as root.
    echo "warning: the user 'guanxi' cannot read $(pwd) (a folder above it is private), so the" >&2
    echo "server runs as root. Put the project where other users can read it, or run this" >&2
    echo "script as a normal user (docs/OPERATIONS.md)." >&2
    AS=()
  else
    chown -R guanxi:guanxi data
  fi
fi
if [ ! -f data/guanxi.db ]; then
  "${AS[@]}" "$BIN" demo-data --data ./data --customers "${GUANXI_DEMO_CUSTOMERS:-2000}" --log-level warn
fi
exec "${AS[@]}" "$BIN" serve --data ./data --listen "${GUANXI_LISTEN:-127.0.0.1:8080}" --web-root web/dist
