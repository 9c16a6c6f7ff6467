#!/usr/bin/env bash
# Set up (once) and run every test: system packages (Chromium and CJK fonts for the browser
# tests, PostgreSQL for the store tests, which start and stop their own server, LibreOffice and
# poppler for the export tests), the Python
# dependencies, lint, type check and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# LibreOffice recalculates the exported workbook and renders the deck; pdftoppm turns slides into PNGs
dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
dpkg -s libreoffice-impress-nogui >/dev/null 2>&1 || need+=(libreoffice-impress-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -r requirements-dev.txt
.venv/bin/ruff check perfeval_core dashboard pages tests bench sample_data
.venv/bin/mypy perfeval_core
.venv/bin/python -m pytest "$@"
