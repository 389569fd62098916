// What every bundled app does with the package: signs a delivery (a sample event, so that a
// subpath, `vessel-webhooks/samples`, is resolved too), verifies it, and refuses a forged copy.
// The entries beside this file import or require both and report the result.

/** The access token the apps sign with. */
export const TOKEN = 'tok_bundled_4e1f0a';

/** What every app reports. */
export const EXPECTED = { accepted: 'sample.status.READY', forged: 'SIGNATURE_MISMATCH' };

/** The verdicts of `api` (the package) on a signed sample delivery and a forged copy. */
export function check({ sign, constructEvent, VesselWebhookError }, { sample }) {
  const body = JSON.stringify(sample('status.READY'));
  const headers = sign(body, TOKEN);
  const accepted = constructEvent(body, headers, TOKEN).eventId;
  let forged;
  try {
    constructEvent(body.replace('READY', 'NEW_CONNECTION'), headers, TOKEN);
    forged = 'accepted';
  } catch (error) {
    forged = error instanceof VesselWebhookError ? error.code : String(error);
  }
  return { accepted, forged };
}
