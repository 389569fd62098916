// What every bundled app reports (app/check.js).
import * as api from 'vessel-webhooks';
import * as samples from 'vessel-webhooks/samples';
import { check } from '../../app/check.js';

export default defineEventHandler(() => check(api, samples));
