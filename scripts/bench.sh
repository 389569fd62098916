#!/usr/bin/env bash
# `npm run bench`: builds pkg/ if needed, installs the packed package (install-app.sh) and runs
# bench/bench.mjs against it (Node, workerd, Deno, Bun and Chromium), then bench/receiver.mjs
# (VesselWebhooks with each store; it starts its own redis-server and PostgreSQL on loopback
# ports). Not part of the test command: speed lives here, not in tests.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
# Built again when anything it is built from is newer than the .wasm (else an old build is timed).
wasm=pkg/dist/vessel_webhooks_bg.wasm
if [[ ! -f $wasm ]] || [[ -n "$(find src pkg/src Cargo.toml Cargo.lock -newer "$wasm" -print -quit)" ]]; then
  bash scripts/build.sh
fi
bash scripts/install-app.sh
# Chromium for bench/runtimes.mjs's browser run, as the test command installs it.
[[ -x /usr/bin/chromium ]] || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
cd target/js-app && node bench/bench.mjs "$@"
node bench/receiver.mjs
