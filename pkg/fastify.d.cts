// Types of `vessel-webhooks/fastify` (CommonJS-format, re-exported for import by fastify.d.ts).
// They import nothing from Fastify, which the package does not declare (review DC: where
// node_modules is not hoisted, Fastify's types imported here resolved to nothing, and the
// plugin's type became `any`): the plugin is typed by its shape, which `register` takes.
import type { VesselWebhooks } from './index.cjs';

/** Options of the plugin: the receiver, and Fastify's own register options (`prefix` …). */
export interface VesselWebhooksPluginOptions {
  /** The receiver whose handlers run for each delivery. */
  webhooks: VesselWebhooks;
}

/**
 * Fastify plugin answering Vessel deliveries on one POST route at its scope's prefix. In its own
 * scope it reads the raw body of any content type itself, under the receiver's `maxBodyBytes`
 * (4 MiB by default), so neither the app's parsers nor Fastify's bodyLimit apply to it. Answers
 * the receiver's 2xx, or its status with `{ "error": CODE }`.
 *
 * @example
 * import Fastify from 'fastify';
 * import { VesselWebhooks, memoryStore } from 'vessel-webhooks';
 * import vesselWebhooks from 'vessel-webhooks/fastify';
 *
 * const webhooks = new VesselWebhooks({ accessToken: process.env.VESSEL_TOKEN!, store: memoryStore() });
 * webhooks.on('contact.created', async (event) => console.log(event.data.record.email));
 * const app = Fastify();
 * app.register(vesselWebhooks, { webhooks, prefix: '/webhooks/vessel' });
 */
export declare function vesselWebhooks(
  fastify: object,
  options: VesselWebhooksPluginOptions,
): Promise<void>;
export default vesselWebhooks;
