// The Worker tests/js/workerd.test.mjs runs with and without nodejs_compat: it counts the native
// SHA-256 calls the package makes (node:crypto's hash and createHash, found as the package finds
// them, and crypto.subtle.digest) and its reads of a whole body as UTF-16 (TextDecoder's, and
// node:buffer's ucs2Slice, which the package takes when it starts: it is loaded after the spies),
// and answers each delivery with its verdict, the event as JSON.stringify gives it, and those
// counts. POST /construct: constructEvent(await request.text()); POST /request:
// verifyRequest(request); POST /wrapped: verifyRequest of a hand-made body stream; POST /before:
// JSON.parse of the body alone, as another JSON route of the Worker would.

const TOKEN = 'tok_spy_51d0e7a2';
const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto');
const calls = { nodeCrypto: 0, subtle: 0, reads: 0, utf16: 0, ucs2Write: 0, ucs2Slice: 0 };

/** Counts the calls of object[name] for which `when(...args)` (with them as `this`) holds. */
function spy(object, name, counter, when = () => true) {
  const original = object?.[name];
  if (typeof original !== 'function') return;
  object[name] = function (...args) {
    if (when.apply(this, args)) calls[counter]++;
    return original.apply(this, args);
  };
}
spy(nodeCrypto, 'hash', 'nodeCrypto');
spy(nodeCrypto, 'createHash', 'nodeCrypto');
spy(crypto.subtle, 'digest', 'subtle');
// Reads of a body stream: a body sent in many small chunks must not cost a read each.
spy(globalThis.ReadableStreamDefaultReader?.prototype, 'read', 'reads');
spy(globalThis.ReadableStreamBYOBReader?.prototype, 'read', 'reads');
spy(globalThis.ReadableStreamBYOBReader?.prototype, 'readAtLeast', 'reads');
// A body read back as UTF-16 (not as ASCII, escaped or not): the spy's texts are shorter.
spy(TextDecoder.prototype, 'decode', 'utf16', function (input) {
  return this.encoding === 'utf-16le' && input?.byteLength >= 400;
});
const buffer = globalThis.process?.getBuiltinModule?.('node:buffer')?.Buffer;
spy(buffer?.prototype, 'ucs2Slice', 'utf16', (start, end) => end - start >= 400);
// node:buffer's UTF-16 copies, which the package takes with nodejs_compat (workerd-start.js).
spy(buffer?.prototype, 'ucs2Write', 'ucs2Write');
spy(buffer?.prototype, 'ucs2Slice', 'ucs2Slice');
const { constructEvent, verifyRequest, VesselWebhookError } = await import('vessel-webhooks');

export default {
  async fetch(request) {
    if (new URL(request.url).pathname === '/before') {
      return Response.json(Object.keys(JSON.parse(await request.text())));
    }
    const before = { ...calls };
    let verdict;
    let text;
    try {
      const { pathname } = new URL(request.url);
      // /wrapped: a hand-made body whose getReader() ignores its options (no BYOB reader).
      const wrapped = {
        headers: request.headers,
        body: { getReader: () => request.body.getReader() },
      };
      const event =
        pathname === '/construct'
          ? constructEvent(await request.text(), request.headers, TOKEN)
          : await verifyRequest(pathname === '/wrapped' ? wrapped : request, TOKEN);
      verdict = event.eventId;
      text = JSON.stringify(event);
    } catch (error) {
      if (!(error instanceof VesselWebhookError)) throw error;
      verdict = error.code;
    }
    return Response.json({
      verdict,
      text,
      nodeCrypto: calls.nodeCrypto - before.nodeCrypto,
      subtle: calls.subtle - before.subtle,
      reads: calls.reads - before.reads,
      utf16: calls.utf16 - before.utf16,
      ucs2Write: calls.ucs2Write - before.ucs2Write,
      ucs2Slice: calls.ucs2Slice - before.ucs2Slice,
      hasNodeCrypto: nodeCrypto !== undefined,
    });
  },
};
