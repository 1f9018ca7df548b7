#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (tests/integration/test_widget.py).
set -euo pipefail
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then exit 0; fi
echo "==> Installing Debian's chromium for the browser tests"
if [ "$(id -u)" -eq 0 ]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null 2>&1; then
  apt_get=(sudo apt-get)
else
  echo "ERROR: Chromium is missing and cannot be installed without root: apt-get install chromium" >&2
  exit 1
fi
DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -q chromium >/dev/null \
  || { DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" update -q >/dev/null \
       && DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -q chromium >/dev/null; }
"$chromium" --version
