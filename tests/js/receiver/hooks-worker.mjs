// A receiver in workerd whose onDelivery and onError do I/O that ends after the answer (a log line
// sent, an error reported): workerd runs it only when it was given to ctx.waitUntil
// (tests/js/receiver-workerd.test.mjs).
import { VesselWebhooks } from 'vessel-webhooks';
import { TOKEN } from './app.mjs';

const reported = { onDelivery: 0, onError: 0 };
const later = () => new Promise((resolve) => setTimeout(resolve, 50));

let webhooks;
export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === '/reported') return Response.json(reported);
    webhooks ??= new VesselWebhooks({
      accessToken: TOKEN,
      onDelivery: async () => {
        await later();
        reported.onDelivery += 1;
      },
    })
      .onAny(() => {
        throw new Error('planned fail');
      })
      .onError(async () => {
        await later();
        reported.onError += 1;
      });
    return webhooks.fetch(request, env, ctx);
  },
};
