// A TypeScript Express app, as the README shows it: compiles under --strict with full narrowing.
import express from 'express';
import { vesselWebhook, type VesselRequest } from 'vessel-webhooks/express';

declare function tokenOf(connectionId: string): Promise<string | undefined>;

const app = express();

app.post('/webhooks/vessel', vesselWebhook({ getAccessToken: tokenOf }), (req, res) => {
  const event = req.vesselEvent!; // set by vesselWebhook
  switch (event.type) {
    case 'OBJECT_CHANGE':
      if (event.data.eventType === 'DELETE') {
        console.log('deleted', event.data.objectType, event.data.record.nativeId);
      } else if (event.data.objectType === 'Contact') {
        console.log('contact', event.data.record.email ?? 'no email');
      } else if (event.data.objectType === 'Deal') {
        console.log('deal', event.data.record.name, event.data.record.amount);
      }
      break;
    case 'STATUS_CHANGE':
      console.log('connection', event.data.status);
      break;
  }
  res.sendStatus(204);
});

// A fixed token, the checks' options, and the request type getAccessToken receives.
app.use(
  vesselWebhook({ accessToken: ['token', 'next-token'], toleranceSeconds: 60, strict: true }),
);
app.use(
  vesselWebhook<express.Request>({
    getAccessToken: (connectionId, req) => (req.path === '/t' ? connectionId : null),
    maxBodyBytes: 1 << 20,
  }),
);
// After express.json() (the middleware verifies the parsed object).
app.post('/json', express.json(), vesselWebhook({ accessToken: 'token' }), (req, res) => {
  res.json({ eventId: req.vesselEvent?.eventId });
});

// A handler typed by the request the middleware guards.
function handle(req: VesselRequest<express.Request>, res: express.Response): void {
  if (req.vesselEvent.type === 'STATUS_CHANGE') res.json({ status: req.vesselEvent.data.status });
}
app.post('/typed', vesselWebhook({ accessToken: 'token' }), (req, res) =>
  handle(req as VesselRequest<express.Request>, res),
);

// @ts-expect-error one of accessToken and getAccessToken is required
vesselWebhook({ toleranceSeconds: 60 });
// @ts-expect-error not both
vesselWebhook({ accessToken: 'token', getAccessToken: tokenOf });
// @ts-expect-error now is not a middleware option
vesselWebhook({ accessToken: 'token', now: Date.now() });

app.listen(3000);
