// vessel-webhooks/fastify: a Fastify plugin that answers Vessel deliveries at its scope's prefix
// with a VesselWebhooks receiver. Fastify itself is the user's: nothing here imports it.
import { answeredEarly, notReceived } from './incoming.js';
import { fetchRequestOf, partsOf } from './node-request.js';
import { checkReceiver } from './receiver-arg.js';

/**
 * `app.register(vesselWebhooks, { webhooks, prefix: '/webhooks/vessel' })`: one POST route at
 * the prefix. In its own scope (a registered plugin is encapsulated) every content type, and
 * none, goes to one parser that reads nothing: the receiver streams the raw body itself under
 * its own `maxBodyBytes`, so the app's parsers and Fastify's bodyLimit (1 MiB by default) never
 * see it, and an oversized body is answered 413 `{"error":"BODY_TOO_LARGE"}` like any refusal.
 */
export async function vesselWebhooks(fastify, options) {
  const webhooks = checkReceiver(options?.webhooks, 'options.webhooks');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request, payload, done) => done(null));
  fastify.post('/', async (request, reply) => {
    let response;
    try {
      response = await webhooks.fetch(fetchRequestOf(request.raw, webhooks));
    } catch (error) {
      // Not a refusal (getAccessToken's own error, a read that failed): to the app's error
      // handling as a 500 whose message is ours (notReceived).
      throw notReceived(error);
    }
    const { status, headers, body } = await partsOf(response);
    // Sent before the body ended (over the cap): the connection closes after it (answeredEarly).
    if (answeredEarly(request.raw)) headers.connection = 'close';
    return reply.code(status).headers(headers).send(body);
  });
}

export default vesselWebhooks;
