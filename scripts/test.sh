#!/usr/bin/env bash
# The whole test suite, with everything it needs installed and started by the project itself
# (PostgreSQL from Debian's packages; the test fixtures start a throwaway server on loopback).
# Extra arguments go to pytest, e.g. scripts/test.sh -m slow  (the on-demand benchmarks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
LANXI_EXTRAS=dev source scripts/_venv.sh
echo "==> ruff"
ruff check src tests scripts benchmarks
ruff format --check src tests scripts benchmarks >/dev/null || echo "(ruff format: some files would be reformatted)"
echo "==> mypy"
mypy
echo "==> pytest"
if [ "$#" -eq 0 ]; then
  set -- -m "not slow"
fi
pytest -q -p no:cacheprovider "$@"
