// The semantics suite's app (app.mjs) as a Worker, with durableObjectStore on the EVENTS
// namespace (class VesselEventStore): tests/js/receiver-workerd.test.mjs runs it in workerd.
import { durableObjectStore } from 'vessel-webhooks';
import { createApp, LEASE_SECONDS } from './app.mjs';

export { VesselEventStore } from 'vessel-webhooks';

let app;
export default {
  fetch(request, env, ctx) {
    app ??= createApp({ store: durableObjectStore(env.EVENTS), leaseSeconds: LEASE_SECONDS });
    return app(request, env, ctx);
  },
};
