// Run by memory.test.mjs with --expose-gc: a 200 000-byte delivery sent one byte per chunk, read
// by verifyRequest (a hand-made stream, and Node's Request with a Content-Length) and by the
// receiver's middleware (a Node stream). Prints, for each, the heap and ArrayBuffer memory held
// once the last chunk is in, per body byte (SECURITY.md, finding 18).
const { Readable } = require('node:stream');
const { VesselWebhooks, verifyRequest, sign } = require('vessel-webhooks');

const token = 'tok_chunks_5e0a';
const note = 'x'.repeat(200_000);
const body = JSON.stringify({
  eventId: 'evt_c',
  type: 'STATUS_CHANGE',
  data: { status: 'READY', note },
});
const bytes = Buffer.from(body);
const headers = sign(body, token);
const sized = { ...headers, 'content-length': String(bytes.length) };
const held = () => {
  globalThis.gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};
const perByte = (base) => Math.round((held() - base) / bytes.length);

/** A stream of the body a byte per chunk, which measures what is held before it ends. */
function byteByByte(measure) {
  let i = 0;
  return new ReadableStream(
    {
      pull(controller) {
        if (i < bytes.length) controller.enqueue(bytes.subarray(i, (i += 1)));
        else {
          measure();
          controller.close();
        }
      },
    },
    { highWaterMark: 0 },
  );
}

(async () => {
  const results = {};
  for (const how of ['stream', 'Request']) {
    const base = held();
    const body = byteByByte(() => (results[how] = perByte(base)));
    const request =
      how === 'stream'
        ? { headers, body }
        : new Request('http://x/', { method: 'POST', headers: sized, body, duplex: 'half' });
    results[`${how} event`] = (await verifyRequest(request, token)).eventId;
  }
  const webhooks = new VesselWebhooks({ accessToken: token }).onAny(() => {});
  const req = new Readable({ read() {} });
  req.headers = sized;
  const res = { writeHead: (status) => (results['middleware status'] = status), end() {} };
  const base = held();
  const answered = webhooks.middleware()(req, res);
  for (let i = 0; i < bytes.length; i++) {
    req.push(bytes.subarray(i, i + 1));
    if (i % 1000 === 0) await new Promise(setImmediate);
  }
  await new Promise(setImmediate);
  results.middleware = perByte(base);
  req.push(null);
  await answered;
  console.log(JSON.stringify(results));
})();
