// A receiver under test, the same in Node and in workerd: `createApp(options)` gives a Fetch
// handler with POST /hook (webhooks.fetch) and a small control API for the semantics suite
// (suite.mjs). Its one handler does what the event's plan says, one step per run: 'ok', 'fail'
// (throws), or 'hang' (a process that never finishes: it waits, then throws, far past the lease).
import { VesselWebhooks } from 'vessel-webhooks';

export const TOKEN = 'tok_receiver_5f1e0c9a';
export const HANG_MS = 6000;
/** The lease of the suite's apps: a hung handler (HANG_MS) outlives it. */
export const LEASE_SECONDS = 2;
/** late-worker.mjs: its store answers a first claim this long after it, past the deadline. */
export const LATE_MS = 300;

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function createApp(options) {
  const plans = new Map();
  const runs = new Map();
  const deliveries = [];
  const webhooks = new VesselWebhooks({
    accessToken: TOKEN,
    onDelivery: (info) => deliveries.push(info),
    ...options,
  });
  webhooks.onAny(async (event) => {
    const run = runs.get(event.eventId) ?? { started: 0, succeeded: 0 };
    runs.set(event.eventId, run);
    run.started += 1;
    const step = plans.get(event.eventId)?.shift() ?? 'ok';
    // A real handler's effect takes time: the answer must still come after it.
    await wait(step === 'hang' ? HANG_MS : 20);
    if (step !== 'ok') throw new Error(`planned ${step}`);
    run.succeeded += 1;
  });
  // The failures are planned: not printed (without an onError hook the receiver prints each).
  webhooks.onError(() => {});
  // `context`: what a Worker's fetch gets after the request (env, ctx), passed on.
  return async function app(request, ...context) {
    const url = new URL(request.url);
    if (url.pathname === '/hook') return webhooks.fetch(request, ...context);
    if (url.pathname === '/plan') {
      const { eventId, steps } = await request.json();
      plans.set(eventId, steps);
      return new Response(null, { status: 204 });
    }
    if (url.pathname === '/runs') {
      const eventId = url.searchParams.get('eventId');
      return Response.json(runs.get(eventId) ?? { started: 0, succeeded: 0 });
    }
    if (url.pathname === '/deliveries') return Response.json(deliveries);
    return new Response(null, { status: 404 });
  };
}
