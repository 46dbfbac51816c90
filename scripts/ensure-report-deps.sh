#!/usr/bin/env bash
# Make sure the system packages the reports need are installed: a CJK font for Chinese text in PDFs
# and charts (fonts-noto-cjk), Pango for WeasyPrint (libpango-1.0-0, libpangoft2-1.0-0), and
# poppler-utils (pdftotext, pdftoppm), which the report tests use to read the PDFs back.
# Idempotent: checks first (fc-list, ldconfig, command -v) and runs apt-get only for what is missing.
set -euo pipefail

# (outputs captured first: `cmd | grep -q` fails under pipefail when grep stops reading early)
fonts="$(fc-list 2>/dev/null || true)"
libs="$(ldconfig -p 2>/dev/null || true)"
missing=()
if [[ "$fonts" != *"Noto Sans CJK"* ]]; then missing+=(fonts-noto-cjk fontconfig); fi
if [[ "$libs" != *"libpango-1.0.so"* ]]; then missing+=(libpango-1.0-0); fi
if [[ "$libs" != *"libpangoft2-1.0.so"* ]]; then missing+=(libpangoft2-1.0-0); fi
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  missing+=(poppler-utils)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "Report dependencies found: Noto Sans CJK, Pango, poppler-utils"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "missing for the reports: ${missing[*]}; apt-get is not available:" \
       "install them with your package manager" >&2
  exit 1
fi
SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "installing ${missing[*]} needs root (or sudo)" >&2
    exit 1
  fi
fi
echo "Installing ${missing[*]} with apt-get…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fc-cache -f >/dev/null 2>&1 || true
