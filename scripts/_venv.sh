# Sourced by run.sh and test.sh: make sure .venv exists and holds lanxi with the given extras.
# Usage: LANXI_EXTRAS="dev" source scripts/_venv.sh
set -euo pipefail
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Lanxi needs Python 3.11 or newer (found: $("$PY" --version 2>&1))." >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> creating virtual environment .venv"
  "$PY" -m venv .venv
fi
spec="."
[ -n "${LANXI_EXTRAS:-}" ] && spec=".[${LANXI_EXTRAS}]"
stamp=".venv/.lanxi-installed-${LANXI_EXTRAS:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> installing lanxi ${spec} into .venv (first run takes a few minutes)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e "$spec"
  touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
