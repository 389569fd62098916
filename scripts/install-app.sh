#!/usr/bin/env bash
# Installs what users get into a fresh app folder, target/js-app/: pkg/ packed with `npm pack`
# and installed from the tarball, with tests/ and examples/ copied beside it so that they import
# the package by its name. The repo's dev dependencies (express, wrangler, typescript …) resolve
# from the repo's node_modules above it. Needs a built pkg/ (scripts/build.sh).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
app="$repo/target/js-app"
rm -rf "$app"
mkdir -p "$app"
tarball=$(cd "$repo/pkg" && npm pack --silent --pack-destination "$app")
cd "$app"
echo '{ "name": "js-app", "private": true, "type": "module" }' > package.json
npm install --silent --no-audit --no-fund --no-save "./$tarball"
cp -r "$repo/tests" "$repo/examples" "$repo/bench" "$repo/README.md" .
