// The Worker bench/workerd.mjs times: `?n=N` runs constructEvent N times on the request's body.
import { constructEvent } from 'vessel-webhooks';

export default {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get('n'));
    const body = await request.text();
    let event;
    for (let i = 0; i < n; i++) event = constructEvent(body, request.headers, 'tok_bench');
    return Response.json({ eventId: event?.eventId ?? null });
  },
};
