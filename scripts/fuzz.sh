#!/usr/bin/env bash
# Fuzzes the core with cargo-fuzz (fuzz/): each target in turn for the given seconds (default 60),
# seeded from tests/vectors/*.json. Installs the nightly toolchain and cargo-fuzz when missing.
#   bash scripts/fuzz.sh [seconds per target] [target …]   (npm run fuzz -- 600)
# Everything it writes stays in target/fuzz/: the corpora grow from run to run, a crash is saved in
# target/fuzz/artifacts/<target>/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked

work="$PWD/target/fuzz"
node fuzz/seeds.mjs "$work/seeds"
targets=("$@")
((${#targets[@]})) || mapfile -t targets < <(cargo +nightly fuzz list)
for target in "${targets[@]}"; do
  echo "== fuzz $target: $seconds s"
  mkdir -p "$work/corpus/$target" "$work/artifacts/$target"
  cargo +nightly fuzz run --target-dir "$work/build" "$target" \
    "$work/corpus/$target" "$work/seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/$target/"
  echo "corpus: $(find "$work/corpus/$target" -type f | wc -l) inputs"
done
