#!/usr/bin/env bash
# The one test command (README): sets up a fresh machine and runs every check and test.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }

step "npm ci"
npm ci --no-audit --no-fund
step "build pkg/"
bash scripts/build.sh
step "format and lints"
cargo fmt --check
cargo clippy --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings
node_modules/.bin/prettier --check .
step "Rust tests (native; with and without the models feature)"
cargo test
cargo test --no-default-features --quiet
step "fuzz smoke (20 s per target)"
cargo fmt --check --manifest-path fuzz/Cargo.toml
bash scripts/fuzz.sh 20
step "JS tests (packed package; Redis and PostgreSQL on 127.0.0.1 for the receiver's stores)"
bash scripts/services.sh run bash scripts/test-js.sh
step "types (generated models up to date; tests/types against the packed package)"
node scripts/gen-types.mjs --check
node_modules/.bin/tsc -p target/js-app/tests/types
step "www in Chromium"
node --test tests/www/
