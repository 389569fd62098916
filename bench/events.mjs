// The bodies the benchmarks time (bench/bench.mjs in Node, bench/workerd.mjs in workerd).
import { sample } from 'vessel-webhooks/samples';

/**
 * The package's Contact UPDATE sample, its record's `additional` CRM fields carrying notes
 * (escapes, non-ASCII text, numbers, booleans) until the body is `size` bytes.
 */
export function event(size) {
  const event = sample('contact.updated');
  const notes = [];
  event.data.record.additional = { notes };
  for (let i = 0; JSON.stringify(event).length < size; i++) {
    notes.push({
      id: `note_${i}`,
      body: `Call about renewal #${i}: pricing for 2024, "enterprise" tier — follow up\nwith José.`,
      score: i * 0.75,
      done: i % 3 === 0,
      at: '2023-08-24T14:15:22.000Z',
    });
  }
  return JSON.stringify(event);
}
