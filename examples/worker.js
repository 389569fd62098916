// A Cloudflare Worker that receives Vessel webhooks. Access tokens live in the KV namespace bound
// as VESSEL_TOKENS (key: connection id, value: the access token saved when it was linked).
import { verifyRequest, VesselWebhookError } from 'vessel-webhooks';

export default {
  async fetch(request, env) {
    try {
      const event = await verifyRequest(request, (id) => env.VESSEL_TOKENS.get(id));
      return Response.json({ received: event.eventId, type: event.type });
    } catch (error) {
      if (error instanceof VesselWebhookError) return error.toResponse();
      throw error; // a KV outage: 500, and Vessel retries later
    }
  },
};
