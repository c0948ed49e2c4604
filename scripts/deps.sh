#!/usr/bin/env bash
# Installs the Debian packages Guanxi needs to build, run and test. Safe to run again:
# it installs only what is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config clang clang-format clang-tidy
  libboost1.74-dev nlohmann-json3-dev libsqlite3-dev sqlite3 libpq-dev libsodium-dev
  libspdlog-dev libfmt-dev libcli11-dev libcurl4-openssl-dev
  libxlsxwriter-dev libzip-dev libexpat1-dev libmagic-dev libical-dev libhowardhinnant-date-dev
  libcairo2-dev libpango1.0-dev poppler-utils libgumbo-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql postgresql-contrib wrk curl python3 python3-aiosmtpd python3-icalendar
  chromium fonts-noto-cjk nodejs npm
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from outside Debian (a newer Node is fine); only install them if absent.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
