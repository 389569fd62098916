// The route handlers' work, as the README's Next.js recipe: the receiver answers the delivery
// (200 `{"received":true}` after its handler ran, or the refusal's status and code).
import { VesselWebhooks } from 'vessel-webhooks';

export const TOKEN = 'tok_next_8b2e61c4';

const webhooks = new VesselWebhooks({ accessToken: TOKEN }).on('status.READY', (event) => {
  if (event.eventId !== 'evt_next') throw new Error('not the event that was signed');
});

export function receive(request) {
  return webhooks.fetch(request);
}
