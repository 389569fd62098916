#!/usr/bin/env bash
# Installs what the wasm build needs beyond Rust and Node, skipping what is already there:
# the wasm32 target and the wasm-bindgen CLI at exactly Cargo.lock's version (~7 minutes the
# first time). wasm-opt comes from the npm package `binaryen` (npm ci), never from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

want=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' Cargo.lock)
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ]]; then
  echo "Installing wasm-bindgen-cli $want (several minutes, once per machine)…"
  cargo install wasm-bindgen-cli --version "$want" --locked
fi
