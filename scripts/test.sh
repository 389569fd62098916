#!/usr/bin/env bash
# The one test command (README): sets up a fresh machine and runs every check and test.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }
# Each crate is built once here: without Cargo's incremental state the debug builds (clippy, doc,
# tests) take ~455 MB of disk instead of ~637 MB (a CI run once failed on a full disk).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step "npm ci"
# What a run needs is in the README (Develop); a run that fails on a full disk shows what it had.
df -Ph . | awk 'NR == 2 { print "disk: " $4 " free of " $2 }' || true
npm ci --no-audit --no-fund
step "build pkg/"
bash scripts/build.sh
step "format and lints"
cargo fmt --check
cargo clippy --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
# The private items' notes too: their links are checked only when they are documented.
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet --document-private-items
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features js-binding -- -D warnings
# The crate as a Rust dependency built for wasm32: the library without the binding.
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
node_modules/.bin/prettier --check .
step "registries' dry runs: the crate (no warnings), the npm package (publint, attw)"
# --allow-dirty: the check is what ships, not whether the work tree is committed.
cargo publish --dry-run --allow-dirty 2>&1 | tee target/publish-dry-run.log
if grep 'warning:' target/publish-dry-run.log | grep -v 'aborting upload due to dry run'; then
  echo "cargo publish --dry-run warned" >&2
  exit 1
fi
node_modules/.bin/publint --strict pkg
node_modules/.bin/attw --pack pkg
# The licenses of the crates compiled into the .wasm, which the package ships (Cargo.lock's).
node scripts/notices.mjs --check
step "Rust tests (native; with and without the models feature)"
cargo test
cargo test --no-default-features --quiet
# Record access with serde_json's arbitrary_precision, which any crate in a build can turn on.
cargo test --quiet --test models --features serde_json/arbitrary_precision
step "fuzz smoke (20 s per target)"
cargo fmt --check --manifest-path fuzz/Cargo.toml
bash scripts/fuzz.sh 20
step "JS tests (packed package; Redis and PostgreSQL on 127.0.0.1 for the receiver's stores)"
bash scripts/services.sh run bash scripts/test-js.sh
step "bundlers and Next.js (packed package, installed above; README: Bundlers, Next.js and workerd in the test command)"
[[ -x /usr/bin/chromium ]] || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
(cd target/js-app && node --test --test-concurrency=1 --test-force-exit tests/bundlers/)
step "types (generated models and vectors up to date; tests/types against the packed package)"
node scripts/gen-types.mjs --check
node tests/vectors/generate.mjs --check
# TypeScript 5.9 and the native 7 (npm alias typescript-7); both ship a `tsc`, so each by its path.
node node_modules/typescript/bin/tsc -p target/js-app/tests/types
node node_modules/typescript-7/bin/tsc -p target/js-app/tests/types
step "a clone alone (nothing beside it) generates its models from its own files"
alone="$(mktemp -d)"
git clone --quiet --no-local . "$alone/vessel-webhooks"
ln -s "$PWD/node_modules" "$alone/vessel-webhooks/node_modules"
(cd "$alone/vessel-webhooks" && node scripts/gen-types.mjs --check)
rm -rf "$alone"
step "www in Chromium"
node --test tests/www/
