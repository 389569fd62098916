// Narrowing of events and the field types of the models.
import {
  parse,
  type Contact,
  type DeletedRecord,
  type ObjectChange,
  type UnknownVesselEvent,
  type VesselEvent,
} from 'vessel-webhooks';

declare const body: string;
const event = parse(body);

// @ts-expect-error data.record before narrowing on type: a STATUS_CHANGE has no record
event.data.record;

switch (event.type) {
  case 'OBJECT_CHANGE': {
    const { data } = event;
    // @ts-expect-error data.record before narrowing on objectType: not every model has firstName
    data.record.firstName;
    const id: string = data.record.id;
    if (data.eventType === 'DELETE') {
      // DELETE narrows the record to its ids, for every object type.
      const deleted: DeletedRecord = data.record;
      const ids: [string, string, string] = [deleted.id, deleted.nativeId, deleted.connectionId];
      // @ts-expect-error a DELETE record has only its ids
      data.record.createdTime;
      break;
    }
    switch (data.objectType) {
      case 'Contact': {
        const contact: Contact = data.record;
        const name: string | null | undefined = contact.firstName;
        const created: string = contact.createdTime;
        const accounts: string[] = contact.associations.accountIds;
        const extra: Record<string, unknown> | null | undefined = contact.additional;
        // @ts-expect-error a field of another model (Deal)
        contact.amount;
        // @ts-expect-error a misspelt field: the models have no index signature
        contact.firstname;
        // @ts-expect-error optional fields may be null or absent
        const required: string = contact.email;
        break;
      }
      case 'Deal': {
        const amount: number | null | undefined = data.record.amount;
        const name: string | null | undefined = data.record.name;
        // @ts-expect-error required by the schema, but "Optional name for this deal"
        const required: string = data.record.name;
        // @ts-expect-error a field of another model (Contact)
        data.record.firstName;
        break;
      }
      case 'Email':
        data.record.to satisfies string[];
        data.eventType satisfies 'CREATE' | 'UPDATE';
        break;
      case 'EventAttendee':
        data.record.associations.eventId satisfies string;
        // Required by the schema, but Vessel's own example has none.
        data.record.nativeId satisfies string | null | undefined;
        // @ts-expect-error it may be absent
        data.record.nativeId satisfies string;
        break;
      case 'Call':
        // Call's schema requires nothing, but every record has its string id.
        data.record.id satisfies string;
        // Any string beside the documented values, as the Rust models' `Other` variant keeps it.
        data.record.direction satisfies string | null | undefined;
        // @ts-expect-error Vessel may add a direction
        data.record.direction satisfies 'inbound' | 'outbound' | 'internal' | null | undefined;
        break;
      case 'Account':
        data.record.address?.city satisfies string | null | undefined;
        break;
      case 'Note':
        // Vessel's example has `content`, which the schema does not define (review BD).
        data.record.content satisfies string | null | undefined;
        data.record.modifiedTime satisfies string;
        break;
      case 'User':
      case 'Lead':
      case 'Task':
      case 'Event':
        data.record.modifiedTime satisfies string;
        break;
      default:
        // Every known object type is handled: only unknown kinds (lenient mode) get here.
        data satisfies never;
    }
    break;
  }
  case 'STATUS_CHANGE':
    event.data.status satisfies 'NEW_CONNECTION' | 'INITIAL_SYNCED' | 'READY';
    // @ts-expect-error not a status
    if (event.data.status === 'PAUSED') break;
    break;
  default: {
    // Unknown kinds are typed never here; read them as UnknownVesselEvent.
    const unknown = event as UnknownVesselEvent;
    unknown.type satisfies string;
    unknown.data satisfies Record<string, unknown>;
  }
}

// The eventType check first, then the objectType, narrows as well.
if (event.type === 'OBJECT_CHANGE' && event.data.eventType !== 'DELETE') {
  if (event.data.objectType === 'Lead')
    event.data.record.account satisfies string | null | undefined;
}

// Handlers can take narrowed data.
function onNewContact(data: ObjectChange<'Contact', 'CREATE'>): string | null | undefined {
  return data.record.email;
}
if (
  event.type === 'OBJECT_CHANGE' &&
  event.data.objectType === 'Contact' &&
  event.data.eventType === 'CREATE'
) {
  onNewContact(event.data);
  // @ts-expect-error an UPDATE is not a CREATE
  if (event.data.eventType === 'UPDATE') onNewContact(event.data);
}

// Events can be written as literals (tests, fixtures), and a wrong one is an error.
const contactDeleted: VesselEvent = {
  eventId: 'e1',
  type: 'OBJECT_CHANGE',
  data: {
    objectType: 'Contact',
    eventType: 'DELETE',
    record: { id: 'v.contact.1', nativeId: '1', connectionId: 'c1' },
  },
};
const wrong: VesselEvent = {
  eventId: 'e2',
  type: 'OBJECT_CHANGE',
  data: {
    objectType: 'Contact',
    eventType: 'DELETE',
    // @ts-expect-error a DELETE record has no other fields
    record: { id: 'v.contact.1', nativeId: '1', connectionId: 'c1', email: 'a@b.c' },
  },
};
