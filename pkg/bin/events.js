// The events the local Vessel sends, built from the package's sample models
// (vessel-webhooks/samples), and the connectionId it gives an access token.
import { createHash, randomUUID } from 'node:crypto';
import { samples, sample } from 'vessel-webhooks/samples';

/** Every name `buildEvent` takes: `contact.created` … `call.deleted`, `status.READY` … */
export const eventNames = samples.map((s) => s.name);

// Names match case-insensitively: `status.ready`, `status.READY` and `Contact.Created` all work.
const sampleByName = new Map(eventNames.map((name) => [name.toLowerCase(), name]));

/**
 * How deep a record may nest: an event nests at most 256 levels (the receiver's cap, MAX_DEPTH),
 * two of them the event's and its data's.
 */
const MAX_RECORD_DEPTH = 254;

/** Whether `value` nests objects or arrays more than `limit` levels deep (without recursion). */
function deeperThan(value, limit) {
  const pending = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop();
    if (item === null || typeof item !== 'object') continue;
    if (depth > limit) return true;
    for (const member of Object.values(item)) pending.push([member, depth + 1]);
  }
  return false;
}

/**
 * A new event of kind `name` (a string) for `connectionId`, with a fresh eventId (`evt_<uuid>`): the
 * sample's record, its `connectionId` (a DELETE record's, as Vessel's docs describe it) set to
 * the connection's, with `record`'s fields laid over it (a shallow merge: the caller's fields
 * win). Throws RangeError for an unknown name (its message lists the valid ones) and TypeError
 * for a record that is not a plain object, nests deeper than a receiver reads, or is given to a
 * STATUS_CHANGE.
 */
export function buildEvent(name, connectionId, record) {
  const sampleName = sampleByName.get(name.toLowerCase());
  if (sampleName === undefined) {
    throw new RangeError(
      `unknown event ${JSON.stringify(name)}; valid events: ${eventNames.join(', ')}`,
    );
  }
  const event = sample(sampleName);
  event.eventId = `evt_${randomUUID()}`;
  if (event.type === 'STATUS_CHANGE') {
    if (record !== undefined) throw new TypeError('record: a STATUS_CHANGE event has no record');
    return event;
  }
  if ('connectionId' in event.data.record) event.data.record.connectionId = connectionId;
  if (record !== undefined) {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new TypeError('record: expected an object of fields');
    }
    if (deeperThan(record, MAX_RECORD_DEPTH)) {
      throw new TypeError(
        `record: nested more than ${MAX_RECORD_DEPTH} levels deep (an event nests at most 256)`,
      );
    }
    // Spread defines own properties, so even a `__proto__` field is sent as a field.
    event.data.record = { ...event.data.record, ...record };
  }
  return event;
}

/**
 * The connectionId for an access token, derived from it: the same token gets the same id in every
 * run of `serve` and in `trigger` (when --connection is not given), so a receiver's table of
 * connectionId → token stays valid across restarts. Only a local stand-in for Vessel's ids.
 */
export function connectionIdFor(accessToken) {
  const digest = createHash('sha256').update(`vessel-webhooks local connection\0${accessToken}`);
  return `conn_${digest.digest('hex').slice(0, 24)}`;
}
