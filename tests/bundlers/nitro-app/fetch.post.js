// A delivery, handed to the receiver as the Fetch API's Request: every preset but Node's own
// server (README: Nuxt and Nitro).
import { webhooks } from '../worker-app/webhooks.js';

export default defineEventHandler((event) => webhooks.fetch(toWebRequest(event)));
