#!/usr/bin/env bash
# Runs the JS tests against the packed package installed in target/js-app/ (install-app.sh).
#   bash scripts/test-js.sh [node --test arguments, default: every tests/js/*.test.mjs]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bash "$repo/scripts/install-app.sh"
cd "$repo/target/js-app"
if (($#)); then node --test "$@"; else node --test tests/js/; fi
