// A route handler in the edge runtime.
import { receive } from '../../../lib/receive.js';

export const runtime = 'edge';

export async function POST(request) {
  return receive(request);
}
