// The bodies the benchmarks time (bench/bench.mjs in Node, bench/workerd.mjs in workerd).
import { sample } from 'vessel-webhooks/samples';

/**
 * The package's Contact UPDATE sample, its record's `additional` CRM fields carrying notes
 * (escapes, non-ASCII text, numbers, booleans) until the body is `size` bytes. With `ascii`, the
 * notes' two non-ASCII characters are ASCII, and so is the whole body: V8 then keeps it as a
 * one-byte string, which its JSON and node:crypto handle faster (the seed gains more than the
 * package: both are benched). With `japanese`, the notes are Japanese text, as in a CRM of Japanese
 * customers: 3-byte UTF-8 characters are then 57 % of the body's bytes (38 % at 2 KB).
 */
export function event(size, { ascii = false, japanese = false } = {}) {
  const event = sample('contact.updated');
  const notes = [];
  event.data.record.additional = { notes };
  for (let i = 0; JSON.stringify(event).length < size; i++) {
    notes.push({
      id: `note_${i}`,
      body: japanese
        ? `更新の件で電話 #${i}：2024年の価格、「エンタープライズ」プランについて。\n山田様に再度ご連絡します。`
        : ascii
          ? `Call about renewal #${i}: pricing for 2024, "enterprise" tier - follow up\nwith Jose.`
          : `Call about renewal #${i}: pricing for 2024, "enterprise" tier — follow up\nwith José.`,
      score: i * 0.75,
      done: i % 3 === 0,
      at: '2023-08-24T14:15:22.000Z',
    });
  }
  const body = JSON.stringify(event);
  if (ascii && !/^[\x00-\x7f]*$/.test(body)) throw new Error('event: not ASCII');
  return body;
}
