// A Node app that imports the package.
import * as api from 'vessel-webhooks';
import * as samples from 'vessel-webhooks/samples';
import { check } from './check.js';

console.log(JSON.stringify(check(api, samples)));
