// A Worker that imports the package, for Cloudflare's Vite plugin: GET / reports what every
// bundled app reports (app/check.js), POST / hands a delivery to the receiver.
import * as api from 'vessel-webhooks';
import * as samples from 'vessel-webhooks/samples';
import { check } from '../app/check.js';
import { webhooks } from './webhooks.js';

export default {
  fetch: (request) =>
    request.method === 'POST' ? webhooks.fetch(request) : Response.json(check(api, samples)),
};
