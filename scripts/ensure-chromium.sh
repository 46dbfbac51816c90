#!/usr/bin/env bash
# Make sure Debian's chromium (and CJK fonts for readable screenshots) is installed, for the
# end-to-end tests (tests/web/test_e2e.py drives /usr/bin/chromium through the Python playwright
# package; `playwright install` is never used). Idempotent: does nothing when /usr/bin/chromium
# exists. Installs the `chromium` and `fonts-noto-cjk` packages otherwise (needs root or sudo).
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
  echo "chromium found: /usr/bin/chromium"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium not found and apt-get is not available; install chromium at /usr/bin/chromium" >&2
  exit 1
fi
SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "installing chromium needs root (or sudo)" >&2
    exit 1
  fi
fi
echo "Installing chromium with apt-get…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk
if [[ -x /usr/bin/chromium ]]; then
  echo "chromium installed: /usr/bin/chromium"
else
  echo "apt-get installed chromium but /usr/bin/chromium was not found" >&2
  exit 1
fi
