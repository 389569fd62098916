// The functions of the main entry, their arguments and the error class.
import {
  constructEvent,
  getConnectionId,
  parse,
  sign,
  verify,
  verifyRequest,
  VesselWebhookError,
  type VesselEvent,
  type VesselWebhookErrorCode,
} from 'vessel-webhooks';
import type { IncomingHttpHeaders } from 'node:http';

declare const nodeHeaders: IncomingHttpHeaders;
declare const request: Request;
const token = 'access-token';
const body = '{"eventId":"e","type":"STATUS_CHANGE","data":{"status":"READY"}}';

// Every body type.
const bodies = [
  body,
  new Uint8Array(1),
  Buffer.from(body),
  new ArrayBuffer(1),
  new DataView(new ArrayBuffer(1)),
  { eventId: 'e' },
];
for (const b of bodies) verify(b, nodeHeaders, token) satisfies boolean;
// @ts-expect-error a number is no body
verify(42, nodeHeaders, token);

// Every header shape.
verify(body, new Headers(), token);
verify(body, new Map([['x-vessel-signature', 'abc']]), token);
verify(body, { 'x-vessel-signature': 'abc', 'x-vessel-timestamp': ['1'] }, token);
verify(body, nodeHeaders, [token, 'rotated-token']);
// @ts-expect-error header values are strings
verify(body, { 'x-vessel-timestamp': 1 }, token);

// Options.
verify(body, nodeHeaders, token, {
  toleranceSeconds: Infinity,
  now: new Date(),
  maxBodyBytes: 1 << 20,
  strict: true,
});
verify(body, nodeHeaders, token, { now: Date.now() });
// @ts-expect-error an unknown option
verify(body, nodeHeaders, token, { tolerance: 10 });
// @ts-expect-error the access token is required
verify(body, nodeHeaders);
// @ts-expect-error the access token is required
constructEvent(body, nodeHeaders);
// @ts-expect-error the access token is a string or strings
constructEvent(body, nodeHeaders, 42);

const event: VesselEvent = constructEvent(body, nodeHeaders, token, { strict: true });
const parsed: VesselEvent = parse(Buffer.from(body), { maxBodyBytes: 1024 });
const connectionId: string | undefined = getConnectionId(request.headers);

// sign: the connection header is certain only with a connectionId.
const signed = sign(body, token, { timestamp: 1_700_000_000 });
signed['x-vessel-signature'] satisfies string;
signed['x-vessel-timestamp'] satisfies string;
// @ts-expect-error possibly undefined without a connectionId
signed['x-vessel-connection-id'] satisfies string;
sign(body, token, { timestamp: '1700000000', connectionId: 'c1' })[
  'x-vessel-connection-id'
] satisfies string;
verify(body, signed, token);
// @ts-expect-error sign takes one token
sign(body, [token]);

// verifyRequest: a token, tokens, or a resolver (sync or async) by connection id.
verifyRequest(request, token) satisfies Promise<VesselEvent>;
verifyRequest(request, [token, 'rotated-token'], { toleranceSeconds: 60 });
verifyRequest(request, (id) => (id === 'c1' ? token : undefined));
verifyRequest(request, async (id, req) => (req.url.endsWith(id) ? [token] : null));
// @ts-expect-error the resolver gives tokens, not numbers
verifyRequest(request, () => 42);
// @ts-expect-error the request is a Fetch API Request
verifyRequest({ headers: nodeHeaders }, token);

// The error: a closed union of codes, statuses, a Response.
try {
  constructEvent(body, nodeHeaders, token);
} catch (error) {
  if (error instanceof VesselWebhookError) {
    const code: VesselWebhookErrorCode = error.code;
    error.name satisfies 'VesselWebhookError';
    error.status satisfies 400 | 401 | 408 | 409 | 413 | 500 | 503;
    408 satisfies typeof error.status;
    // @ts-expect-error no code answers 415 (review CY: issue 3 fixed verifyRequest's codes)
    415 satisfies typeof error.status;
    error.toResponse() satisfies Response;
    switch (error.code) {
      case 'BODY_TOO_LARGE':
      case 'MISSING_HEADER':
      case 'INVALID_TIMESTAMP':
      case 'MALFORMED_SIGNATURE':
      case 'TIMESTAMP_OUT_OF_TOLERANCE':
      case 'SIGNATURE_MISMATCH':
      case 'INVALID_JSON':
      case 'INVALID_EVENT':
      case 'HANDLER_FAILED':
      case 'EVENT_IN_PROGRESS':
      case 'STORE_UNAVAILABLE':
      case 'BODY_TIMEOUT':
      case 'TOKEN_LOOKUP_TIMEOUT':
        break;
      default:
        error.code satisfies never;
    }
    // @ts-expect-error a code outside the union
    if (error.code === 'FORBIDDEN') throw error;
    // @ts-expect-error a code outside the union
    new VesselWebhookError('FORBIDDEN', 'no');
  }
}
