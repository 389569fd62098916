// The package through require (a CommonJS TypeScript module).
import vessel = require('vessel-webhooks');
import samples = require('vessel-webhooks/samples');
import express = require('vessel-webhooks/express');

const body = JSON.stringify(samples.sample('lead.updated'));
const event: vessel.VesselEvent = vessel.constructEvent(body, vessel.sign(body, 'token'), 'token');
if (
  event.type === 'OBJECT_CHANGE' &&
  event.data.objectType === 'Lead' &&
  event.data.eventType === 'UPDATE'
) {
  event.data.record.jobTitle satisfies string | null | undefined;
}
express.vesselWebhook({ accessToken: 'token' });
