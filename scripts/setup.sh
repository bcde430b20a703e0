#!/usr/bin/env bash
# Set up a fresh Debian machine: system packages, the Python environment, the browser-test tools.
# Safe to run again: each step does nothing when its work is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=$(grep -v '^\s*#' scripts/system-packages.txt | tr '\n' ' ')
missing=""
for pkg in $packages; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if ! command -v npm >/dev/null 2>&1; then missing="$missing npm"; fi
if [ -n "$missing" ]; then
  echo "setup: installing system packages:$missing"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"

# axe-core for the accessibility tests, from the npm registry, kept inside the project
if [ ! -f site_tests/browser/node_modules/axe-core/axe.min.js ] && [ -f site_tests/browser/package.json ]; then
  (cd site_tests/browser && npm install --silent --no-audit --no-fund)
fi
echo "setup: done"
