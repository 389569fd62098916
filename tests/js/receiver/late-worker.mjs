// A receiver (app.mjs) in workerd whose store answers the first claim of each event after the
// receiver's deadline, though the claim itself lands at once: that delivery is 503, and its late
// claim must be released after the answer, which workerd runs only when it was given to
// ctx.waitUntil (tests/js/receiver-workerd.test.mjs).
import { durableObjectStore } from 'vessel-webhooks';
import { createApp, LATE_MS, LEASE_SECONDS } from './app.mjs';

export { VesselEventStore } from 'vessel-webhooks';

const DEADLINE_SECONDS = 0.1;

let app;
export default {
  fetch(request, env, ctx) {
    if (app === undefined) {
      const store = durableObjectStore(env.EVENTS);
      const answered = new Set();
      const claim = async (key, token, leaseMs) => {
        const result = await store.claim(key, token, leaseMs);
        if (!answered.has(key)) {
          answered.add(key);
          await new Promise((resolve) => setTimeout(resolve, LATE_MS));
        }
        return result;
      };
      app = createApp({
        store: { ...store, claim },
        leaseSeconds: LEASE_SECONDS,
        storeTimeoutSeconds: DEADLINE_SECONDS,
      });
    }
    return app(request, env, ctx);
  },
};
