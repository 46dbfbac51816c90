#!/usr/bin/env bash
# Install the system packages the test suite needs, from Debian's packages, when they are missing.
# Idempotent: each step does nothing when its tools are already there.
set -euo pipefail
here="$(dirname "$0")"
bash "$here/ensure-postgres.sh"
bash "$here/ensure-report-deps.sh"
bash "$here/ensure-chromium.sh"
