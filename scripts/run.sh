#!/usr/bin/env bash
# The main job on the embedded default: virtual environment, package, SQLite database,
# bundled plan data, then a summary and what to do next.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
lanxi setup "$@"
