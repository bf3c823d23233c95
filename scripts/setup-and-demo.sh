#!/usr/bin/env bash
# The README's first command: installs what is missing, builds the extension and runs the demo feed.
# Extra arguments go to the demo, e.g. `bash scripts/setup-and-demo.sh --images ~/Pictures --headed`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm run build --silent
npm run demo --silent -- "$@"
