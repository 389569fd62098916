// Writes pkg/THIRD-PARTY-NOTICES.txt: the licenses of the crates compiled into the package's
// .wasm (the build of scripts/build.sh: wasm32, the "js-binding" feature alone), which the npm
// package redistributes in binary form. subtle's BSD-3-Clause asks for its notice with the binary,
// and MIT for its text with any copy. Proc-macro crates (run at build time) are left out.
//   node scripts/notices.mjs           writes the file (after a change to Cargo.lock)
//   node scripts/notices.mjs --check   exits 1 when the checked-in file differs (test command)
// It reads the license files of each crate's source as Cargo unpacked it (run scripts/build.sh
// first). Where a crate offers Apache-2.0 or another license, the other's text is given (MIT,
// BSL-1.0: short, and without Apache's NOTICE duty); every other license file it ships is kept.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(repo, 'pkg/THIRD-PARTY-NOTICES.txt');
const cargo = (...args) =>
  execFileSync('cargo', [...args, '--locked'], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });

// The crates in the .wasm: "name vX.Y.Z", once each, but the package's own.
const tree =
  'tree --target wasm32-unknown-unknown --no-default-features --features js-binding ' +
  '-e normal,no-proc-macro --prefix none --format {p}';
const crates = new Set(
  cargo(...tree.split(' '))
    .split('\n')
    .map((line) => line.replace(/ \(.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('vessel-webhooks ')),
);
const packages = JSON.parse(
  cargo('metadata', '--format-version', '1', '--features', 'js-binding'),
).packages;

const rule = (char) => `${char.repeat(100)}\n`;
const found = packages
  .filter((p) => crates.has(`${p.name} v${p.version}`))
  .sort((a, b) => (a.name < b.name ? -1 : 1)); // by code unit: the same in every locale (review DG)
if (found.length !== crates.size) throw new Error(`not all of ${[...crates]} in cargo metadata`);

let text =
  "Third-party software in vessel-webhooks' WebAssembly module (dist/vessel_webhooks_bg.wasm, and\n" +
  'the same bytes embedded in dist/wasm.js). The module is compiled from the vessel-webhooks crate\n' +
  "(MIT OR Apache-2.0: LICENSE-MIT, LICENSE-APACHE), Rust's standard library (core, alloc, std and\n" +
  'the crates they build on: MIT OR Apache-2.0, see\n' +
  'https://github.com/rust-lang/rust/blob/main/COPYRIGHT) and the crates below, under the licenses\n' +
  'given. Written by scripts/notices.mjs; do not edit.\n';
for (const pkg of found) {
  const dir = dirname(pkg.manifest_path);
  let files = readdirSync(dir)
    .filter((name) => /^(licen[cs]e|copying|notice)/i.test(name))
    .sort();
  if (/ OR /.test(pkg.license) && files.length > 1) {
    files = files.filter((name) => !/apache/i.test(name));
  }
  if (files.length === 0) throw new Error(`${pkg.name} ${pkg.version}: no license file`);
  text += `\n${rule('=')}${pkg.name} ${pkg.version}: ${pkg.license} (https://crates.io/crates/${pkg.name})\n`;
  for (const name of files) {
    text += `${rule('-')}${name}\n\n${readFileSync(join(dir, name), 'utf8').trimEnd()}\n`;
  }
}

if (process.argv.includes('--check')) {
  if (readFileSync(output, 'utf8') !== text) {
    console.error(`${output} is out of date: run node scripts/notices.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(output, text);
}
