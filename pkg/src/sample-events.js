// The sample events of vessel-webhooks/samples, built from one example record per object type
// (pkg/src/samples.js, generated from Vessel's schemas by scripts/gen-types.mjs, which builds the
// Rust test vectors and the samples' types with this same function).

const CHANGES = [
  ['CREATE', 'created'],
  ['UPDATE', 'updated'],
  ['DELETE', 'deleted'],
];

/**
 * For every object type of `records` a CREATE and an UPDATE carrying its record and a DELETE
 * carrying its ids, then one STATUS_CHANGE per status: `{ name, event }` each, named
 * `<objectType>.created|updated|deleted` (object type in lowerCamelCase) and `status.<STATUS>`.
 * @param {Record<string, { id: string, nativeId: string }>} records by object type
 * @param {readonly string[]} statuses
 * @param {string} connectionId of the DELETE records
 */
export function sampleEvents(records, statuses, connectionId) {
  const changes = Object.entries(records).flatMap(([objectType, record]) =>
    CHANGES.map(([eventType, past]) => {
      const name = `${objectType[0].toLowerCase()}${objectType.slice(1)}.${past}`;
      const ids = { id: record.id, nativeId: record.nativeId, connectionId };
      const data = { objectType, eventType, record: eventType === 'DELETE' ? ids : record };
      return { name, event: { eventId: `sample.${name}`, type: 'OBJECT_CHANGE', data } };
    }),
  );
  const statusChanges = statuses.map((status) => {
    const name = `status.${status}`;
    return { name, event: { eventId: `sample.${name}`, type: 'STATUS_CHANGE', data: { status } } };
  });
  return [...changes, ...statusChanges];
}
