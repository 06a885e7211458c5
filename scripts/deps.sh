#!/usr/bin/env bash
# Installs the Debian packages tutorbot needs, only those missing. Safe to run repeatedly.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libcaf-dev libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev
  libssl-dev libpqxx-dev libpq-dev libyaml-cpp-dev libhowardhinnant-date-dev prometheus-cpp-dev
  libbenchmark-dev tzdata ca-certificates curl faketime
  libical-dev libcurl4-openssl-dev   # calendar invites (iCalendar) and e-mail (SMTP, MIME)
  python3 python3-icalendar python3-aiosmtpd   # test-only: an independent invite parser and a real SMTP server
  postgresql-15 postgresql-contrib
  clang-16 libclang-rt-16-dev llvm-16   # the sanitizer and fuzz builds, and their symbolizer (scripts/test-sanitizers.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The contract tests run the providers' official Node clients; any Node >= 18 will do, so a
# Node that is already installed (from whatever source) is kept.
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
