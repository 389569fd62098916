// The README shows the examples exactly as the tests run them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test('README.md holds the examples verbatim', () => {
  const readme = read('README.md');
  for (const example of ['examples/worker.js', 'examples/express-app.mjs', 'examples/lambda.mjs']) {
    assert.ok(
      readme.includes(`\`\`\`js\n${read(example)}\`\`\``),
      `${example} is not in README.md as is`,
    );
  }
});

test("the README's error codes are the types' codes, each with its status at run time", async () => {
  const { VesselWebhookError } = await import('vessel-webhooks');
  const listed = new Map(
    [...read('README.md').matchAll(/^\|(?: \d+ +\|)? `([A-Z_]+)` +\| (\d{3}) +\|/gm)].map(
      ([, code, status]) => [code, Number(status)],
    ),
  );
  // Answered by the Express middleware itself, not a VesselWebhookError (README says so).
  assert.equal(listed.get('METHOD_NOT_ALLOWED'), 405);
  listed.delete('METHOD_NOT_ALLOWED');
  assert.equal(listed.size, 13);

  const types = read('node_modules/vessel-webhooks/index.d.cts');
  const union = (name) => types.match(new RegExp(`${name}\\s*=?:?([^;]*);`))[1];
  const codes = [...union('type VesselWebhookErrorCode').matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
  const statuses = union('\\n  status').split('|').map(Number);
  assert.deepEqual(codes.toSorted(), [...listed.keys()].toSorted());
  for (const [code, status] of listed) {
    assert.equal(new VesselWebhookError(code, 'm').status, status, code);
    assert(statuses.includes(status), `${code}: ${status} is not in the status type`);
  }
});
