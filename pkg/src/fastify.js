// vessel-webhooks/fastify: a Fastify plugin that answers Vessel deliveries at its scope's prefix
// with a VesselWebhooks receiver. Fastify itself is the user's: nothing here imports it.
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
  // What the route throws is getAccessToken's own error, which any request can cause (the lookup
  // runs before authentication): logged, and answered 500 with no body, as Koa answers it.
  // Fastify's default handler would send its message. (onError hooks still see it.)
  fastify.setErrorHandler((error, request, reply) => {
    request.log.error({ err: error }, 'vessel-webhooks: the delivery failed');
    return reply.code(500).send();
  });
  fastify.post('/', async (request, reply) => {
    const { status, headers, body } = await partsOf(
      await webhooks.fetch(fetchRequestOf(request.raw)),
    );
    return reply.code(status).headers(headers).send(body);
  });
}

export default vesselWebhooks;
