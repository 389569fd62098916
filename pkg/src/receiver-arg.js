// Internal to the adapters: the one argument check they share.

/** `webhooks` when it is a receiver (anything with VesselWebhooks#fetch), else a TypeError. */
export function checkReceiver(webhooks, what) {
  if (webhooks === null || typeof webhooks !== 'object' || typeof webhooks.fetch !== 'function') {
    throw new TypeError(`${what}: expected a VesselWebhooks instance`);
  }
  return webhooks;
}
