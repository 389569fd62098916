// Run by tests/js/runtimes.test.mjs in Deno, Bun and Node from the installed package: checks a
// signed and a forged event through verify, constructEvent, verifyRequest, the receiver (its
// fetch, and its middleware under the runtime's node:http) and vessel-webhooks/express, and
// escaped keys after a parse of keys like them, and prints what each gave as one JSON line.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import {
  constructEvent,
  memoryStore,
  sign,
  verify,
  verifyRequest,
  VesselWebhookError,
  VesselWebhooks,
} from 'vessel-webhooks';
import { vesselWebhook } from 'vessel-webhooks/express';

const token = 'tok_runtime_4be1';
const body = JSON.stringify({
  eventId: 'evt_r1',
  type: 'STATUS_CHANGE',
  data: { status: 'READY' },
});
const forged = body.replace('READY', 'INITIAL_SYNCED');
const headers = sign(body, token, { connectionId: 'conn_r' });

const request = (payload) =>
  new Request('https://example.com/webhooks/vessel', { method: 'POST', headers, body: payload });
/** The code and status of what `run` threw or rejected with, or its result. */
async function outcome(run) {
  try {
    return { value: await run() };
  } catch (error) {
    if (!(error instanceof VesselWebhookError)) throw error;
    const response = error.toResponse();
    return { code: error.code, status: response.status, body: await response.json() };
  }
}
const lookup = (connectionId) => (connectionId === 'conn_r' ? token : undefined);

// The receiver: its handler fails on the first run, so Vessel's retry runs it again; then a
// duplicate runs nothing, and a forged delivery is refused.
const ran = [];
const webhooks = new VesselWebhooks({ getAccessToken: lookup, store: memoryStore() });
webhooks.on('status.READY', (event) => {
  ran.push(event.eventId);
  if (ran.length === 1) throw new Error('the first run fails');
});
const answers = [];
for (const payload of [body, body, body, forged]) {
  const response = await webhooks.fetch(request(payload));
  answers.push([response.status, await response.json()]);
}

// The same deliveries to a node:http server (Express on Bun, say): the receiver's middleware,
// whose handler now succeeds, and the verify-only Express middleware; one body sent chunked.
const mounted = new VesselWebhooks({ accessToken: token, store: memoryStore() });
const mountedRan = [];
mounted.on('status.READY', (event) => mountedRan.push(event.eventId));
const verifyOnly = vesselWebhook({ accessToken: token });
const server = createServer((req, res) => {
  if (req.url === '/receiver') return mounted.middleware()(req, res);
  verifyOnly(req, res, () => res.end(JSON.stringify({ verified: req.vesselEvent.eventId })));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const servedAnswers = [];
for (const [path, payload, chunked] of [
  ['/receiver', body, true],
  ['/receiver', body, false],
  ['/receiver', forged, false],
  ['/express', body, false],
  ['/express', forged, true],
]) {
  const response = await fetch(`http://127.0.0.1:${server.address().port}${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: chunked ? new Blob([payload]).stream() : payload,
    duplex: 'half',
  });
  servedAnswers.push([path, response.status, await response.json()]);
}
await new Promise((resolve) => server.close(resolve));

// Text beyond ASCII as string bodies, one with a lone surrogate: each runtime writes a string
// into the wasm its own way (Node and Bun copy its UTF-16, Deno encodes it with TextEncoder), and
// all must sign and check its UTF-8 as TextEncoder writes it (a lone surrogate as U+FFFD).
const at = { timestamp: 1_700_000_000 };
const clock = { now: 1_700_000_000_000 };
const texts = ['José — 日本 🎉', 'a\ud800b'].map(
  (note, i) =>
    `{"eventId":"evt_t${i}","type":"STATUS_CHANGE","data":{"status":"READY","note":"${note}"}}`,
);
const signedTexts = texts.map((text) => {
  const signed = sign(text, token, at);
  return {
    signature: signed['x-vessel-signature'],
    verified: verify(text, signed, token, clock),
    event: constructEvent(text, signed, token, clock),
  };
});

// Bodies whose keys V8's JSON.parse (Deno's) may misread after a parse of a key like them
// (tests/vectors/keys.json): each event, from the string and from its bytes, after its `before`.
const keyCases = JSON.parse(readFileSync(new URL('../vectors/keys.json', import.meta.url))).cases;
const keys = keyCases.map(({ before, body: text }) => {
  JSON.parse(before);
  const signed = sign(text, token);
  return [text, new TextEncoder().encode(text)].map((form) =>
    JSON.stringify(constructEvent(form, signed, token)),
  );
});

console.log(
  JSON.stringify({
    keys,
    texts: signedTexts,
    verify: [verify(body, headers, token), verify(forged, headers, token)],
    constructEvent: await outcome(() => constructEvent(body, new Headers(headers), token)),
    constructEventForged: await outcome(() => constructEvent(forged, headers, token)),
    verifyRequest: await outcome(() => verifyRequest(request(body), lookup)),
    verifyRequestForged: await outcome(() => verifyRequest(request(forged), token)),
    verifyRequestUnknown: await outcome(() => verifyRequest(request(body), () => undefined)),
    receiver: { answers, ran },
    served: { answers: servedAnswers, ran: mountedRan },
  }),
);
