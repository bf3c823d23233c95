#!/usr/bin/env bash
# The README's test command: installs what is missing (npm packages, Debian's chromium), builds the
# extension, then runs every unit and e2e test with node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm run build --silent
node scripts/run-tests.mjs "$@"
