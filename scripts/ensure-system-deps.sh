#!/usr/bin/env bash
# Install the system packages the tests need, from Debian's packages, when they are missing.
# Idempotent: does nothing when everything is already there.
set -euo pipefail
need=()
pg_bin=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin="$d"; done
command -v initdb >/dev/null 2>&1 || [ -n "$pg_bin" ] || need+=(postgresql postgresql-client)
command -v pg_dump >/dev/null 2>&1 || [ -n "$pg_bin" ] || need+=(postgresql-client)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: ${need[*]} (run as root, or install them: apt-get install ${need[*]})" >&2
    exit 2
  fi
  echo "==> installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
