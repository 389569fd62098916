// The README shows the examples exactly as the tests run them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test('README.md holds examples/worker.js and examples/express-app.mjs verbatim', () => {
  const readme = read('README.md');
  for (const example of ['examples/worker.js', 'examples/express-app.mjs']) {
    assert.ok(
      readme.includes(`\`\`\`js\n${read(example)}\`\`\``),
      `${example} is not in README.md as is`,
    );
  }
});
