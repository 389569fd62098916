// vessel-webhooks/fastify: a Fastify plugin that answers Vessel deliveries at its scope's prefix
// with a VesselWebhooks receiver. Fastify itself is the user's: nothing here imports it.
import { answeredEarly, notReceived } from './incoming.js';
import { checkFetchApi, fetchRequestOf, partsOf } from './node-request.js';
import { checkReceiver } from './receiver-arg.js';

/** Where the plugin's parser keeps the body stream for its route (see below). */
const PAYLOAD = Symbol('vessel-webhooks.payload');

const READ_BEFORE_MESSAGE =
  'vessel-webhooks/fastify: the request body was read before the plugin (a preParsing hook ' +
  'reading it); register the plugin where no hook reads its body, or have the hook hand on a ' +
  'new stream of the bytes';

/**
 * `app.register(vesselWebhooks, { webhooks, prefix: '/webhooks/vessel' })`: one POST route at
 * the prefix. In its own scope (a registered plugin is encapsulated) every content type, and
 * none, goes to one parser that reads nothing: the receiver streams the raw body itself under
 * its own `maxBodyBytes`, so the app's parsers and Fastify's bodyLimit (1 MiB by default) never
 * see it, and an oversized body is answered 413 `{"error":"BODY_TOO_LARGE"}` like any refusal.
 */
export async function vesselWebhooks(fastify, options) {
  const webhooks = checkReceiver(options?.webhooks, 'options.webhooks');
  checkFetchApi('vessel-webhooks/fastify');
  fastify.removeAllContentTypeParsers();
  // The body is the `payload` the app's preParsing hooks hand on (request.raw, or a stream of
  // their own), kept for the route to read. One a hook has read, or is reading beside, is no
  // longer whole here: a 500 that says so, not a body read as empty and answered as a forgery
  // on every retry (review BX). fastify-raw-body, which reads every route's body beside its
  // parser by default, skips a route whose config says `rawBody: false`.
  fastify.addContentTypeParser('*', (request, payload, done) => {
    if (payload.readableDidRead || payload.readableFlowing === true) {
      done(new Error(READ_BEFORE_MESSAGE));
      return;
    }
    request[PAYLOAD] = payload;
    done(null);
  });
  fastify.post('/', { config: { rawBody: false } }, async (request, reply) => {
    let response;
    try {
      const stream = request[PAYLOAD] ?? request.raw;
      response = await webhooks.fetch(fetchRequestOf(request.raw, webhooks, stream));
    } catch (error) {
      // Not a refusal (getAccessToken's own error, a read that failed): to the app's error
      // handling as a 500 whose message is ours (notReceived), the connection closed after it
      // when the body is still arriving, as after a refusal (review CC).
      if (answeredEarly(request.raw)) reply.header('connection', 'close');
      throw notReceived(error);
    }
    const { status, headers, body } = await partsOf(response);
    // Sent before the body ended (over the cap): the connection closes after it (answeredEarly).
    if (answeredEarly(request.raw)) headers.connection = 'close';
    return reply.code(status).headers(headers).send(body);
  });
}

export default vesselWebhooks;
