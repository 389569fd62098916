// Secrets and data (issue 6), beyond core.test.mjs's checks of the failing signature vectors:
// no error of any kind — coded errors of parse, TypeErrors of wrong arguments — carries an access
// token or text of the body, and parse, like constructEvent, never sets a prototype.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { constructEvent, parse, verify } from 'vessel-webhooks';

const TOKEN = 'tok_SECRET_4711';
const MARK = 'BODYTEXT';
const TS = '1700000000';
const now = 1700000000000;
const signed = (body, token = TOKEN) => ({
  'x-vessel-signature': createHash('sha256').update(token).update(body).update(TS).digest('hex'),
  'x-vessel-timestamp': TS,
});
const event = `{"eventId":"${MARK}","type":"STATUS_CHANGE","data":{"status":"${MARK}"}}`;

test('no error names an access token or text of the body', () => {
  const circular = { eventId: MARK };
  circular[MARK] = { back: circular };
  const calls = {
    'INVALID_EVENT, path and kind': () =>
      parse(
        `{"eventId":"${MARK}","type":"OBJECT_CHANGE","data":{"objectType":"${MARK}","eventType":"${MARK}","record":{"id":7}}}`,
      ),
    'INVALID_EVENT, strict': () => parse(event, { strict: true }),
    'INVALID_JSON, trailing text': () => parse(`{"${MARK}":1} ${MARK}`),
    'INVALID_JSON, not JSON': () => parse(MARK),
    'INVALID_JSON, bad UTF-8': () =>
      parse(Buffer.concat([Buffer.from(`{"${MARK}":"`), Buffer.from([0xff, 0x22, 0x7d])])),
    'INVALID_JSON, an array': () => parse(`["${MARK}"]`),
    BODY_TOO_LARGE: () => parse(event, { maxBodyBytes: 10 }),
    'SIGNATURE_MISMATCH, several tokens': () =>
      constructEvent(event, signed(event, 'tok_other'), [TOKEN, `${TOKEN}_next`], { now }),
    'INVALID_EVENT after authentication': () =>
      constructEvent(`{"${MARK}":"${MARK}"}`, signed(`{"${MARK}":"${MARK}"}`), TOKEN, { now }),
    'INVALID_JSON, an object too deep to stringify': () =>
      constructEvent(JSON.parse(`${`{"${MARK}":`.repeat(5000)}1${'}'.repeat(5000)}`), {}, TOKEN),
    'TypeError, a token array with a non-string': () => verify(event, {}, [TOKEN, 7]),
    'TypeError, a token array with an empty string': () => verify(event, {}, [TOKEN, '']),
    'TypeError, a circular object body': () => verify(circular, {}, TOKEN),
  };
  for (const [what, call] of Object.entries(calls)) {
    const error = (() => {
      try {
        call();
      } catch (e) {
        return e;
      }
      assert.fail(`${what}: did not throw`);
    })();
    const own = Object.getOwnPropertyNames(error).map((key) => String(error[key]));
    const seen = [error.message, error.stack, String(error), JSON.stringify(error), ...own].join(
      ' ',
    );
    assert.ok(!seen.includes(TOKEN), `${what}: the token leaked: ${seen}`);
    assert.ok(!seen.includes(MARK), `${what}: the body leaked: ${seen}`);
  }
});

test('parse never sets a prototype: "__proto__" stays an own property at every level', () => {
  const text =
    '{"__proto__":{"polluted":1},"eventId":"e","type":"OBJECT_CHANGE","data":{"objectType":"Deal","eventType":"CREATE","__proto__":[2],"record":{"id":"d","__proto__":null,"n":{"__proto__":{"polluted":3}}}}}';
  for (const body of [text, Buffer.from(text)]) {
    const parsed = parse(body);
    for (const object of [parsed, parsed.data, parsed.data.record, parsed.data.record.n]) {
      assert.ok(Object.hasOwn(object, '__proto__'));
      assert.equal(Object.getPrototypeOf(object), Object.prototype);
    }
    assert.deepEqual(parsed.__proto__, { polluted: 1 });
    assert.deepEqual(parsed.data.__proto__, [2]);
    assert.equal(parsed.data.record.__proto__, null);
    assert.equal(parsed.polluted, undefined);
    assert.equal({}.polluted, undefined);
    assert.equal(Object.prototype.polluted, undefined);
  }
});
