// A route handler in Node.js (the default runtime).
import { receive } from '../../../lib/receive.js';

export async function POST(request) {
  return receive(request);
}
