// A Worker without nodejs_compat whose bundle defines a process polyfill with getBuiltinModule,
// handing a node:crypto whose createHash does not hash (its digests are zeros):
// tests/js/workerd.test.mjs checks that the package does not take it (review BU).
globalThis.process = {
  env: {},
  getBuiltinModule: (name) =>
    name === 'node:crypto'
      ? {
          createHash: () => ({
            update() {
              return this;
            },
            digest: () => '\0'.repeat(32),
          }),
        }
      : undefined,
};
const { verifyRequest, VesselWebhookError } = await import('vessel-webhooks');

export default {
  async fetch(request) {
    try {
      return Response.json({ accepted: (await verifyRequest(request, 'tok_polyfill')).eventId });
    } catch (error) {
      if (error instanceof VesselWebhookError) return error.toResponse();
      throw error;
    }
  },
};
