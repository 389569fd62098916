// Writes the fuzz targets' seed corpora from the known-answer vectors in tests/vectors/*.json:
//   node fuzz/seeds.mjs <directory>   → <directory>/{verify,parse,canonicalize,numbers}/<n>
// Bodies seed parse and canonicalize as they are; each delivery seeds verify in the input format
// described in fuzz_targets/verify.rs.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
if (!out) throw new Error('usage: node fuzz/seeds.mjs <directory>');
const vectors = (file) =>
  JSON.parse(readFileSync(new URL(`../tests/vectors/${file}`, import.meta.url), 'utf8')).cases;
const bodyOf = (c) =>
  c.body !== undefined ? Buffer.from(c.body) : Buffer.from(c.bodyBase64, 'base64');

const deliveries = vectors('signatures.json');
const bodies = [
  ...deliveries.map(bodyOf),
  ...vectors('events.json').map(bodyOf),
  ...vectors('canonical.json').map((c) => Buffer.from(c.input)),
];

/** One length byte and the text's UTF-8 bytes. */
const field = (text = '') => {
  const bytes = Buffer.from(text);
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
};
/** Whether a delivery's header values and tokens fit the format's one-byte lengths. */
const fits = (c) =>
  [
    c.headers['x-vessel-signature'],
    c.headers['x-vessel-timestamp'],
    [c.accessToken].flat().join('\n'),
  ].every((text) => Buffer.byteLength(text ?? '') <= 255);
function verifyInput(c) {
  const body = bodyOf(c);
  const { strict, toleranceSeconds = 300, maxBodyBytes } = c.options ?? {};
  const signature = c.headers['x-vessel-signature'];
  const timestamp = c.headers['x-vessel-timestamp'];
  const flags =
    (strict ? 1 : 0) |
    (toleranceSeconds === 'Infinity' ? 2 : 0) |
    (signature === undefined ? 4 : 0) |
    (timestamp === undefined ? 8 : 0) |
    (maxBodyBytes < body.length ? 64 : 0);
  const head = Buffer.alloc(13);
  head[0] = flags;
  head.writeBigUInt64LE(BigInt(c.now), 1);
  head.writeUInt32LE(toleranceSeconds === 'Infinity' ? 0 : toleranceSeconds, 9);
  const tokens = [c.accessToken].flat().join('\n');
  return Buffer.concat([head, field(signature), field(timestamp), field(tokens), body]);
}

const corpora = {
  // The vectors with a token longer than 255 bytes (the in-place hashing's other path in Node)
  // do not fit the format; the fuzzer's own tokens are short.
  verify: deliveries.filter(fits).map(verifyInput),
  parse: bodies,
  canonicalize: bodies,
  // In numbers.rs's format: 17 to 40 digits with the point after the first, exponents near the
  // ends of the range (−345, −308, −300, 0, 22, 300, 308).
  numbers: [-345, -308, -300, 0, 22, 300, 308].flatMap((exp) =>
    [17, 19, 20, 40].map((length) => {
      const digits = Array.from({ length }, (_, i) => (i * 7 + 1) % 10);
      const e = Buffer.alloc(2);
      e.writeInt16LE(exp);
      return Buffer.concat([Buffer.from([2 | (1 << 2)]), Buffer.from(digits), e]);
    }),
  ),
};
for (const [target, inputs] of Object.entries(corpora)) {
  const dir = join(out, target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  inputs.forEach((input, i) => writeFileSync(join(dir, String(i)), input));
}
