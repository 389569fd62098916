// A Worker that imports the package, for Cloudflare's Vite plugin: GET / reports what every
// bundled app reports (app/check.js), POST / answers a delivery checked by verifyRequest.
import * as api from 'vessel-webhooks';
import * as samples from 'vessel-webhooks/samples';
import { check } from '../app/check.js';
import { answer } from './answer.js';

export default {
  fetch: (request) =>
    request.method === 'POST' ? answer(request) : Response.json(check(api, samples)),
};
