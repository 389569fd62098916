// A browser app that imports the package.
import * as api from 'vessel-webhooks';
import * as samples from 'vessel-webhooks/samples';
import { check } from './check.js';

globalThis.vesselResult = check(api, samples);
