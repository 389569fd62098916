// What every bundled app does with the package: signs a delivery, verifies it, and refuses a
// forged copy. The entries beside this file import or require the package and report the result.
export function check({ sign, constructEvent, VesselWebhookError }) {
  const token = 'tok_bundled_4e1f0a';
  const event = { eventId: 'evt_bundled', type: 'STATUS_CHANGE', data: { status: 'READY' } };
  const body = JSON.stringify(event);
  const headers = sign(body, token);
  const accepted = constructEvent(body, headers, token).eventId;
  let forged;
  try {
    constructEvent(body.replace('READY', 'NEW_CONNECTION'), headers, token);
    forged = 'accepted';
  } catch (error) {
    forged = error instanceof VesselWebhookError ? error.code : String(error);
  }
  return { accepted, forged };
}
