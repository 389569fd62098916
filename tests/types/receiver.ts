// VesselWebhooks: each event name narrows the handler's event to its record model.
import {
  VesselWebhooks,
  memoryStore,
  redisStore,
  postgresStore,
  durableObjectStore,
  sign,
  verify,
  type VesselStore,
  type VesselEventName,
  type DeletedRecord,
  type UnknownVesselEvent,
  type VesselEvent,
  type VesselEventOf,
  type VesselHandlerContext,
} from 'vessel-webhooks';

const webhooks = new VesselWebhooks({ accessToken: 'tok', store: memoryStore() });
webhooks.on('contact.created', (event, context) => {
  const first: string | null | undefined = event.data.record.firstName;
  const kind: 'CREATE' = event.data.eventType;
  // The context names the event: the handler's name.
  const name: 'contact.created' = context.name;
  (void first, kind, name);
});
webhooks.on('eventAttendee.updated', (event) => {
  const kind: 'EventAttendee' = event.data.objectType;
  void kind;
});
webhooks.on(['deal.updated', 'deal.deleted'], (event, { name }) => {
  name satisfies 'deal.updated' | 'deal.deleted';
  // @ts-expect-error a deleted deal has only its ids: no name on the union
  event.data.record.name;
  if (event.data.eventType === 'DELETE') {
    const ids: DeletedRecord = event.data.record;
    void ids;
  }
});
webhooks.on('status.READY', (event, { connectionId }) => {
  const status: 'READY' = event.data.status;
  (void status, connectionId);
});
// @ts-expect-error status names are spelt as Vessel sends them
webhooks.on('status.ready', () => {});
// @ts-expect-error object types in lower camel case
webhooks.on('Contact.created', () => {});
webhooks.onAny((event) => event.eventId);
// removeListener takes a handler as `on` typed it, for the names `on` knows.
const onContact = (event: VesselEventOf<'contact.created'>) => event.data.record.email;
webhooks.on('contact.created', onContact).removeListener(['contact.created'], onContact);
// @ts-expect-error a misspelt name, as for on
webhooks.removeListener('contacts.created', onContact);
webhooks.onError((error, event) => [error, event.type]);
// onAny (and so onError) sees kinds this version does not know, named or not.
webhooks.onAny((event, { name }) => {
  event satisfies VesselEvent | UnknownVesselEvent;
  // @ts-expect-error an unknown kind is no VesselEvent
  event satisfies VesselEvent;
  name satisfies VesselEventName | (string & {}) | undefined;
  // @ts-expect-error a name this version does not know, e.g. invoice.created or status.PAUSED
  const known: VesselEventName | undefined = name;
  void known;
});
webhooks.onError((error, event) => {
  // @ts-expect-error the event of an onAny handler's error may be of an unknown kind
  event satisfies VesselEvent;
});
// A handler that declares the event a VesselEvent narrows on it, as with parse().
webhooks.onAny((event: VesselEvent) => {
  if (event.type === 'STATUS_CHANGE')
    event.data.status satisfies 'NEW_CONNECTION' | 'INITIAL_SYNCED' | 'READY';
});
webhooks.onError((error: unknown, event: VesselEvent) => {
  if (event.type === 'OBJECT_CHANGE' && event.data.eventType === 'DELETE')
    event.data.record.nativeId satisfies string;
});
// onAny and onError get every event: a handler of one kind only is on(name)'s (review BV).
// @ts-expect-error a status event's handler would get contacts too
webhooks.onAny((event: VesselEventOf<'status.READY'>) => event.data.status);
// @ts-expect-error the event of an error may be of any kind
webhooks.onError((error: unknown, event: VesselEventOf<'contact.created'>) => event.data.record);
const someNames: VesselEventName[] = ['contact.created', 'deal.deleted'];
webhooks.on(someNames, (event) => event.data satisfies VesselEvent['data']);
// A wrapper of the app's own, generic in the name (review BW: a conditional handler type, which
// refused `on([])` at compile time, refused this).
export function register<N extends VesselEventName>(
  name: N | readonly N[],
  handler: (event: VesselEventOf<N>, context: VesselHandlerContext<N>) => unknown,
) {
  webhooks.on(name, handler);
}

// @ts-expect-error accessToken or getAccessToken, not both
new VesselWebhooks({ accessToken: 'tok', getAccessToken: () => 'tok' });
new VesselWebhooks({
  getAccessToken: async (connectionId: string) => (connectionId === 'c' ? 'tok' : undefined),
  leaseSeconds: 30,
  doneTtlSeconds: 86400,
  onDelivery: (info) => {
    // A body that did not arrive in time is refused by middleware() (408).
    if (info.code === 'BODY_TIMEOUT') console.log(info.status);
    console.log(info.outcome, info.code, info.ms);
  },
});
// A hook may return what it starts (given to a Worker's waitUntil), and a resolver a thenable.
declare function sendLog(line: string): Promise<Response>;
declare function lookup(connectionId: string): PromiseLike<string | undefined>;
new VesselWebhooks({
  getAccessToken: (connectionId) => lookup(connectionId),
  onDelivery: (info) => sendLog(info.outcome),
});

// A store of one's own.
const mine: VesselStore = {
  claim: async () => 'claimed',
  done: async () => {},
  release: async () => {},
};
const stores: VesselStore[] = [
  mine,
  redisStore({}),
  postgresStore({}, { table: 'events', setupTimeoutSeconds: 5 }),
  durableObjectStore({}),
];
const name: VesselEventName = 'call.deleted';
(void stores, name);

declare const request: Request;
const response: Promise<Response> = webhooks.fetch(request);
// A Worker's arguments passed on, its ctx for store calls that outlive the answer.
declare const ctx: { waitUntil(promise: Promise<unknown>): void };
const inWorker: Promise<Response> = webhooks.fetch(request, {}, ctx);
(void response, inWorker);
webhooks.verifyAndReceive({ body: '{}', headers: {} }).catch((error) => error.toHttp?.());

// Review CD: under exactOptionalPropertyTypes an option given as undefined is absent, as at run
// time (a config value that may be unset).
declare const config: { tolerance?: number; prefix?: string; lease?: number };
verify('{}', {}, 'tok', { toleranceSeconds: config.tolerance, maxBodyBytes: undefined });
sign('{}', 'tok', { timestamp: undefined, connectionId: undefined });
new VesselWebhooks({ accessToken: 'tok', store: undefined, leaseSeconds: config.lease });
redisStore({}, { prefix: config.prefix });
