#!/usr/bin/env bash
# Checks the web UI from a clean install: npm ci, lint + format, type-check, unit/component tests
# (Vitest), production build, the OpenAPI lint of the document the server binary serves, and the
# end-to-end suite against the real server binary.
#   GUANXI_BIN       server binary (default: ../build/release/server/guanxi)
#   GUANXI_SKIP_E2E  1 = skip the e2e suite, the OpenAPI lint and the server-names test when the
#                    binary is missing (otherwise that is a failure)
# Ends with one line "N passed, N failed" (Vitest + e2e tests) and exits non-zero on any failure.
set -uo pipefail

WEB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$WEB_DIR"
export GUANXI_BIN="${GUANXI_BIN:-$WEB_DIR/../build/release/server/guanxi}"
RESULTS="$WEB_DIR/test-results"
mkdir -p "$RESULTS"
rm -f "$RESULTS/vitest.json" "$RESULTS/e2e.json"

failed_steps=()
step() {
  local name="$1"
  shift
  echo "==> $name"
  local start=$SECONDS
  if "$@"; then
    echo "    $name ok ($((SECONDS - start)) s)"
  else
    echo "    $name FAILED ($((SECONDS - start)) s)"
    failed_steps+=("$name")
  fi
}

count() { # count FILE passed|failed : reads a JSON counter, 0 when absent
  node -e '
    const [file, key] = process.argv.slice(1)
    try {
      const r = JSON.parse(require("fs").readFileSync(file, "utf8"))
      const map = { passed: r.numPassedTests ?? r.passed, failed: r.numFailedTests ?? r.failed }
      console.log(map[key] ?? 0)
    } catch { console.log(0) }' "$1" "$2"
}

step "npm ci" npm ci --no-audit --no-fund --loglevel=error
if [[ " ${failed_steps[*]} " == *" npm ci "* ]]; then
  echo "npm ci failed: nothing else can run"
  echo "0 passed, 1 failed"
  exit 1
fi
# The static checks are independent: run them side by side, then show each one's output.
parallel() { # parallel "name:command" ...
  local names=() pids=() logs=()
  for spec in "$@"; do
    local name="${spec%%:*}" command="${spec#*:}" log
    log="$(mktemp)"
    echo "==> $name (in parallel)"
    bash -c "$command" >"$log" 2>&1 &
    names+=("$name") pids+=($!) logs+=("$log")
  done
  for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
      echo "    ${names[$i]} ok"
    else
      cat "${logs[$i]}"
      echo "    ${names[$i]} FAILED"
      failed_steps+=("${names[$i]}")
    fi
    rm -f "${logs[$i]}"
  done
}
parallel "lint:npm run --silent lint" "format:npm run --silent format:check" \
  "type-check:npm run --silent typecheck" "build:npm run --silent build" \
  "api-lint:npm run --silent lint:api"
step "vitest" npx vitest run --reporter=default --reporter=json --outputFile="$RESULTS/vitest.json"

# The e2e suite drives Debian's Chromium; Chinese needs the CJK fonts. Install them when missing (as root).
ensure_browser() {
  local missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "==> installing ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing: ${missing[*]} (apt-get install -y ${missing[*]})"
    return 1
  fi
}

e2e_missing=0
if [[ " ${failed_steps[*]} " == *" build "* ]]; then
  echo "==> e2e skipped: the build failed"
  e2e_missing=1
elif [[ -x "$GUANXI_BIN" ]]; then
  step "browser" ensure_browser
  step "e2e" node e2e/run.mjs
elif [[ "${GUANXI_SKIP_E2E:-0}" == "1" ]]; then
  echo "==> e2e SKIPPED: no server binary at $GUANXI_BIN (GUANXI_SKIP_E2E=1)"
else
  echo "==> e2e FAILED: no server binary at $GUANXI_BIN"
  echo "    build it (cmake --preset release && cmake --build --preset release) or set GUANXI_SKIP_E2E=1"
  failed_steps+=("e2e (no binary)")
  e2e_missing=1
fi

passed=$(($(count "$RESULTS/vitest.json" passed) + $(count "$RESULTS/e2e.json" passed)))
failed=$(($(count "$RESULTS/vitest.json" failed) + $(count "$RESULTS/e2e.json" failed) + e2e_missing))
if ((${#failed_steps[@]})); then
  echo "failed steps: ${failed_steps[*]}"
fi
echo "${passed} passed, ${failed} failed"
((${#failed_steps[@]} == 0 && failed == 0))
