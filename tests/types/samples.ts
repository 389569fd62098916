// The samples subpath: every sample typed by its name.
import { sign, verify, type VesselEvent } from 'vessel-webhooks';
import { sample, samples, type SampleName } from 'vessel-webhooks/samples';

const created = sample('contact.created');
created.data.record.firstName satisfies string | null | undefined;
created.data.eventType satisfies 'CREATE';
const deleted = sample('deal.deleted');
deleted.data.record.connectionId satisfies string;
// @ts-expect-error a DELETE sample has only the ids
deleted.data.record.amount;
sample('status.READY').data.status satisfies 'READY';
// @ts-expect-error no such sample
sample('contact.merged');

for (const { name, event } of samples) {
  name satisfies SampleName;
  const body = JSON.stringify(event satisfies VesselEvent);
  verify(body, sign(body, 'token'), 'token');
}
