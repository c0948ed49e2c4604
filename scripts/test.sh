#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this). Installs what is missing, then:
#   1. format check (clang-format)
#   2. release build; unit + API tests on SQLite and on a throw-away PostgreSQL 15
#   3. debug build under AddressSanitizer + UndefinedBehaviorSanitizer; the same tests
#   4. fuzz targets (libFuzzer, clang) for a bounded time
#   5. web: lint, type-check, Vitest, build, end-to-end in Debian's Chromium against the real binary
#   6. benchmark drivers' smoke run on SQLite and PostgreSQL (a few seconds each; no timing
#      assertions)
# Ends with one line "N passed, N failed" counting every test case run.
#   GUANXI_TEST_QUICK=1  skips 3, 4 and 6 (for a quick local loop)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

bash scripts/deps.sh || { echo "dependency installation failed"; exit 1; }

PASSED=0
FAILED=0
STEPS_FAILED=()
LOGDIR="$ROOT/build/test-logs"
mkdir -p "$LOGDIR"

# Adds a ctest log's counts ("N% tests passed, F tests failed out of T").
count_ctest() {
  local line total failed
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$1" | tail -n 1)
  if [ -z "$line" ]; then FAILED=$((FAILED + 1)); return; fi
  total=$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')
  failed=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed.*/\1/')
  PASSED=$((PASSED + total - failed))
  FAILED=$((FAILED + failed))
}

# Adds a "N passed, N failed" line's counts.
count_plain() {
  local line
  line=$(grep -E "^[A-Za-z]*:? ?[0-9]+ passed, [0-9]+ failed" "$1" | tail -n 1)
  if [ -z "$line" ]; then FAILED=$((FAILED + 1)); return; fi
  PASSED=$((PASSED + $(echo "$line" | sed -E 's/^[^0-9]*([0-9]+) passed.*/\1/')))
  FAILED=$((FAILED + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
}

step() {
  local name=$1; shift
  echo "=== $name"
  local started=$SECONDS
  if "$@"; then echo "--- $name: ok ($((SECONDS - started)) s)"; else echo "--- $name: FAILED ($((SECONDS - started)) s)"; STEPS_FAILED+=("$name"); fi
}

PG_URL=""
cleanup() { bash scripts/pg.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

format_check() { bash scripts/format.sh --check; }

build_and_test() {
  local preset=$1 log="$LOGDIR/ctest-$1.log"
  cmake --preset "$preset" >/dev/null || return 1
  cmake --build --preset "$preset" -j"$(nproc)" 2>&1 | tail -n 20 || return 1
  [ -x "build/$preset/server/guanxi_tests" ] || return 1
  # Under ASan: the font libraries' process-lifetime caches are not leaks of ours (the file says which).
  (cd "build/$preset" && GUANXI_TEST_PG_URL="$PG_URL" \
    LSAN_OPTIONS="suppressions=$ROOT/server/tests/lsan.supp:print_suppressions=0" \
    ctest -j2 --output-on-failure --timeout 600) >"$log" 2>&1
  local rc=$?
  tail -n 15 "$log"
  count_ctest "$log"
  return $rc
}

fuzz() {
  local log="$LOGDIR/fuzz.log"
  cmake --preset fuzz >/dev/null || return 1
  cmake --build --preset fuzz -j"$(nproc)" --target fuzz_json_body fuzz_list_query fuzz_csv_reader fuzz_path_resolver fuzz_xlsx_reader fuzz_multipart 2>&1 | tail -n 5 || return 1
  local rc=0 t
  : >"$log"
  for t in json_body list_query csv_reader path_resolver xlsx_reader multipart; do
    mkdir -p "build/fuzz/corpus-$t"
    if "build/fuzz/server/fuzz_$t" -max_total_time="${GUANXI_FUZZ_SECONDS:-20}" -rss_limit_mb=2048 \
        "build/fuzz/corpus-$t" >>"$log" 2>&1; then
      PASSED=$((PASSED + 1)); echo "fuzz_$t: no crash in ${GUANXI_FUZZ_SECONDS:-20} s"
    else
      FAILED=$((FAILED + 1)); rc=1; echo "fuzz_$t: CRASH (see $log)"; tail -n 30 "$log"
    fi
  done
  return $rc
}

web() {
  [ -f web/scripts/test.sh ] || { echo "no web tests yet"; return 0; }
  local log="$LOGDIR/web.log"
  GUANXI_BIN="$ROOT/build/release/server/guanxi" bash web/scripts/test.sh >"$log" 2>&1
  local rc=$?
  tail -n 25 "$log"
  count_plain "$log"
  return $rc
}

bench_smoke() {
  [ -x bench/run ] || { echo "no benchmark drivers yet"; return 0; }
  local log="$LOGDIR/bench-smoke.log"
  # Reuse the release build rather than compiling the server a third time.
  GUANXI_BENCH_BUILD=build/release GUANXI_BIN="$ROOT/build/release/server/guanxi" bench/run --smoke --backend both >"$log" 2>&1
  local rc=$?
  tail -n 25 "$log"
  if [ $rc -eq 0 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
  return $rc
}

step "format" format_check
if PG_URL=$(bash scripts/pg.sh start); then
  echo "PostgreSQL for tests: $PG_URL"
else
  echo "PostgreSQL did not start"; STEPS_FAILED+=("postgresql"); FAILED=$((FAILED + 1))
fi
step "release build and tests (SQLite + PostgreSQL)" build_and_test release
if [ -z "${GUANXI_TEST_QUICK:-}" ]; then
  step "ASan/UBSan build and tests" build_and_test debug
  step "fuzz" fuzz
fi
step "web" web
[ -z "${GUANXI_TEST_QUICK:-}" ] && step "benchmark smoke" bench_smoke

echo
if [ ${#STEPS_FAILED[@]} -gt 0 ]; then
  echo "failed steps: ${STEPS_FAILED[*]}"
  [ "$FAILED" -eq 0 ] && FAILED=${#STEPS_FAILED[@]}
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ ${#STEPS_FAILED[@]} -eq 0 ]
