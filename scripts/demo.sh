#!/usr/bin/env bash
# The README's demo: sets up a fresh machine, builds the package, installs it like a user
# would, then signs, verifies and rejects a few events (examples/demo.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --silent
bash scripts/build.sh
bash scripts/install-app.sh
cd target/js-app && node examples/demo.mjs
