// A tour of the package: sign an event as Vessel does, verify it, and watch forgeries fail.
import { constructEvent, sign, verify, VesselWebhookError } from 'vessel-webhooks';
import { sample } from 'vessel-webhooks/samples';

const accessToken = 'tok_demo_3c1e';
// A Contact CREATE as Vessel sends it, built from Vessel's own schema example.
const body = JSON.stringify(sample('contact.created'));
const headers = sign(body, accessToken, { connectionId: 'conn_demo' });
console.log('Vessel sends these headers:', headers);

const event = constructEvent(body, headers, accessToken);
console.log('\nVerified and typed:');
if (event.type === 'OBJECT_CHANGE') {
  const { objectType, eventType, record } = event.data;
  console.log(
    `  ${objectType} ${eventType}: ${record.firstName} ${record.lastName} <${record.email}>`,
  );
}

const attempt = (what, fn) => {
  try {
    fn();
    console.log(`  ${what}: accepted`);
  } catch (error) {
    if (!(error instanceof VesselWebhookError)) throw error;
    console.log(`  ${what}: rejected, ${error.code} (${error.status}) — ${error.message}`);
  }
};
console.log('\nWhat an endpoint sees:');
attempt('the same body pretty-printed by a proxy', () =>
  constructEvent(JSON.stringify(JSON.parse(body), null, 2), headers, accessToken),
);
attempt('a forged body', () => constructEvent(body.replace('Tom', 'Eve'), headers, accessToken));
attempt('signed with another token', () =>
  constructEvent(body, sign(body, 'tok_attacker'), accessToken),
);
attempt('replayed an hour later', () =>
  constructEvent(body, headers, accessToken, { now: Date.now() + 3600_000 }),
);
attempt('no signature', () =>
  constructEvent(body, { 'x-vessel-timestamp': headers['x-vessel-timestamp'] }, accessToken),
);
console.log(`\nverify() answers booleans: ${verify(body, headers, accessToken)}`);
