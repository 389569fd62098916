// The answer to a delivery, in the Worker and in the Nitro app: 200 with the event's id, or 401
// with the error's code.
import { verifyRequest, VesselWebhookError } from 'vessel-webhooks';
import { TOKEN } from '../app/check.js';

export async function answer(request) {
  try {
    const event = await verifyRequest(request, TOKEN);
    return Response.json({ received: event.eventId });
  } catch (error) {
    if (!(error instanceof VesselWebhookError)) throw error;
    return Response.json({ error: error.code }, { status: 401 });
  }
}
