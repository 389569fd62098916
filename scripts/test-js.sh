#!/usr/bin/env bash
# Runs the JS tests against what users get: pkg/ packed with `npm pack` and installed from the
# tarball into a fresh app folder, target/js-app/. tests/ and examples/ are copied there and
# import the package by its name; the repo's dev dependencies (express, wrangler, typescript …)
# resolve from the repo's node_modules above it. Needs a built pkg/ (scripts/build.sh).
#   bash scripts/test-js.sh [node --test arguments, default: every tests/js/*.test.mjs]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
app="$repo/target/js-app"
rm -rf "$app"
mkdir -p "$app"
tarball=$(cd "$repo/pkg" && npm pack --silent --pack-destination "$app")
cd "$app"
echo '{ "name": "js-app", "private": true, "type": "module" }' > package.json
npm install --silent --no-audit --no-fund --no-save "./$tarball"
cp -r "$repo/tests" "$repo/examples" .
if (($#)); then node --test "$@"; else node --test tests/js/; fi
