// The edge route's work, counting the Request#arrayBuffer calls the package makes: self-hosted,
// the edge sandbox runs on Node, whose arrayBuffer() holds every chunk of a body as an object, so
// the package reads the stream itself (SECURITY.md, finding 27).
import { receive } from '../../../lib/receive.js';

export const runtime = 'edge';

let calls = 0;
const { arrayBuffer } = Request.prototype;
Request.prototype.arrayBuffer = function (...args) {
  calls += 1;
  return arrayBuffer.apply(this, args);
};

export async function POST(request) {
  const before = calls;
  const response = await receive(request);
  return Response.json({ status: response.status, arrayBufferCalls: calls - before });
}
