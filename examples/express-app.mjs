// An Express 5 app that receives Vessel webhooks. Run it with
//   VESSEL_ACCESS_TOKENS='{"<connectionId>":"<accessToken>"}' PORT=3000 node examples/express-app.mjs
// It listens on 127.0.0.1, for the local Vessel or a proxy on this machine: for Vessel's own
// servers, put a public HTTPS proxy in front (or change '127.0.0.1' below to '0.0.0.0') and point
// the connection's webhookUrl at https://<host>/webhooks/vessel.
import { pathToFileURL } from 'node:url';
import express from 'express';
import { vesselWebhook } from 'vessel-webhooks/express';

/**
 * The app. `getAccessToken(connectionId)` returns the access token saved when that connection
 * was linked (or a promise of it), or undefined for a connection it does not know.
 */
export function createApp(getAccessToken) {
  const app = express();
  // No body parser needed: the middleware reads the raw body (4 MiB at most by default). After a
  // global express.json(), raw() or text() it verifies what they left, within their own limit.
  app.post('/webhooks/vessel', vesselWebhook({ getAccessToken }), (req, res) => {
    const event = req.vesselEvent;
    switch (event.type) {
      case 'OBJECT_CHANGE':
        console.log(`${event.data.objectType} ${event.data.eventType}: ${event.data.record.id}`);
        break;
      case 'STATUS_CHANGE':
        console.log(`connection status: ${event.data.status}`);
        break;
    }
    // Answer 2xx, also for kinds of events you ignore, or Vessel keeps retrying.
    res.json({ received: event.eventId });
  });
  return app;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tokens = new Map(Object.entries(JSON.parse(process.env.VESSEL_ACCESS_TOKENS ?? '{}')));
  const server = createApp((connectionId) => tokens.get(connectionId)).listen(
    Number(process.env.PORT ?? 3000),
    '127.0.0.1',
    () => console.log(`listening on http://127.0.0.1:${server.address().port}/webhooks/vessel`),
  );
}
