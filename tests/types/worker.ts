// A TypeScript Cloudflare Worker, as the README shows it: compiles under --strict with full
// narrowing, with the DOM lib's Request and Response (no @cloudflare/workers-types needed).
import {
  constructEvent,
  getConnectionId,
  verifyRequest,
  VesselWebhookError,
  type VesselEvent,
} from 'vessel-webhooks';

interface Env {
  /** A KV namespace: access token by connection id. */
  TOKENS: { get(key: string): Promise<string | null> };
}

async function handle(event: VesselEvent): Promise<void> {
  switch (event.type) {
    case 'OBJECT_CHANGE': {
      const { data } = event;
      if (data.eventType === 'DELETE') {
        console.log(`${data.objectType} ${data.record.id} deleted`);
      } else if (data.objectType === 'Contact') {
        console.log(`${data.record.firstName ?? ''} ${data.record.lastName ?? ''}`);
      } else if (data.objectType === 'Task') {
        console.log(data.record.subject, data.record.isDone);
      }
      break;
    }
    case 'STATUS_CHANGE':
      if (event.data.status === 'READY') console.log('connection ready');
      break;
  }
}

// verifyRequest: three lines.
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    try {
      await handle(await verifyRequest(request, (connectionId) => env.TOKENS.get(connectionId)));
      return new Response(null, { status: 204 });
    } catch (error) {
      if (error instanceof VesselWebhookError) return error.toResponse();
      throw error;
    }
  },
};

// constructEvent: the same by hand.
export const manual = {
  async fetch(request: Request, env: Env): Promise<Response> {
    const connectionId = getConnectionId(request.headers);
    const token = connectionId === undefined ? null : await env.TOKENS.get(connectionId);
    if (token === null) return Response.json({ error: 'SIGNATURE_MISMATCH' }, { status: 401 });
    let event: VesselEvent;
    try {
      event = constructEvent(await request.text(), request.headers, token);
    } catch (error) {
      if (error instanceof VesselWebhookError) return error.toResponse();
      throw error;
    }
    await handle(event);
    return new Response(null, { status: 204 });
  },
};
