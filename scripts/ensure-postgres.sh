#!/usr/bin/env bash
# Make sure a PostgreSQL server (initdb, pg_ctl, pg_dump, psql) is installed, for the test suite:
# tests/conftest.py starts a throwaway server from these binaries. Idempotent: does nothing when
# initdb is already on PATH or in /usr/lib/postgresql/*/bin. Installs Debian's `postgresql`
# package otherwise (needs root or sudo). Prints the bin directory found.
set -euo pipefail

find_bindir() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -n 1 || true)
  if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
    echo "$d"
    return 0
  fi
  return 1
}

if bindir=$(find_bindir); then
  echo "PostgreSQL found: $bindir"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL (initdb) not found and apt-get is not available;" \
       "install the PostgreSQL server with your package manager" >&2
  exit 1
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "installing PostgreSQL needs root (or sudo)" >&2
    exit 1
  fi
fi

echo "Installing PostgreSQL with apt-get…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends postgresql postgresql-client

if bindir=$(find_bindir); then
  echo "PostgreSQL installed: $bindir"
else
  echo "apt-get installed postgresql but initdb was not found" >&2
  exit 1
fi
