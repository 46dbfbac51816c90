#!/usr/bin/env bash
# The main job on the embedded default: virtual environment, package, SQLite database,
# bundled plan data, a summary, then the web platform (`lanxi serve`, demo data and demo logins:
# each demo account gets its own random password at the first start, printed once and kept in
# $LANXI_HOME/demo-logins.txt, mode 0600; later starts keep them).
# Not to start the server: `bash scripts/run.sh --no-serve` or `LANXI_NO_SERVE=1 bash scripts/run.sh`.
# The dashboard's report downloads need the `reports` extra (installed here: LANXI_EXTRAS defaults to
# "reports"; LANXI_EXTRAS=dev or "" to choose) and, for PDF, Pango and a CJK font
# (scripts/ensure-report-deps.sh; without root or sudo it only warns: HTML and Excel still work,
# PDF downloads answer 503 until the packages are installed).
set -euo pipefail
cd "$(dirname "$0")/.."
serve=1
[ "${LANXI_NO_SERVE:-0}" = "1" ] && serve=0
args=()
for a in "$@"; do
  if [ "$a" = "--no-serve" ]; then serve=0; else args+=("$a"); fi
done
if ! bash scripts/ensure-report-deps.sh; then
  echo "==> warning: the report system packages are missing (see above); the dashboard runs," \
       "but PDF downloads answer 503 until they are installed" >&2
fi
export LANXI_EXTRAS="${LANXI_EXTRAS-reports}"
source scripts/_venv.sh
lanxi setup ${args[@]+"${args[@]}"}
if [ "$serve" = "1" ]; then
  echo
  echo "==> lanxi serve (Ctrl+C to stop; LANXI_NO_SERVE=1 or --no-serve to skip)"
  exec lanxi serve
fi
