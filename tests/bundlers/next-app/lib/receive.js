// The route handlers' work: verify a delivery and answer with its event id, or refuse it.
import { verifyRequest, VesselWebhookError } from 'vessel-webhooks';

export const TOKEN = 'tok_next_8b2e61c4';

export async function receive(request) {
  try {
    const event = await verifyRequest(request, TOKEN);
    return Response.json({ accepted: event.eventId });
  } catch (error) {
    if (error instanceof VesselWebhookError) return error.toResponse();
    throw error;
  }
}
