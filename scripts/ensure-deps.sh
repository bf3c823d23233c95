#!/usr/bin/env bash
# Installs the project's dependencies when they are missing: npm packages from the lockfile and, for the
# e2e tests and the demo, a Chromium (Debian's `chromium` package through apt-get when none is found), and
# for e2e/firefox.e2e.test.ts Debian's firefox-esr (skipped with a message when it cannot be installed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
   && ! command -v google-chrome >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "No Chromium found: installing Debian's chromium with apt-get" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  else
    echo "No Chromium found and no apt-get: set CHROMIUM_PATH; e2e tests will skip" >&2
  fi
fi
if [ -z "${FIREFOX_PATH:-}" ] && ! command -v firefox-esr >/dev/null 2>&1 && ! command -v firefox >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "No Firefox found: installing Debian's firefox-esr with apt-get (for the Firefox e2e)" >&2
    $SUDO apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq firefox-esr >/dev/null \
      || echo "firefox-esr could not be installed: the Firefox e2e will skip" >&2
  fi
fi
