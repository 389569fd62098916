// A delivery, handed to the receiver as Node's request and response: Node's own server
// (node-server, Nuxt's default; README: Nuxt and Nitro).
import { webhooks } from '../worker-app/webhooks.js';

const receive = webhooks.middleware();

export default defineEventHandler((event) => receive(event.node.req, event.node.res));
