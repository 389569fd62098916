// A browser app that requires the package.
const api = require('vessel-webhooks');
const samples = require('vessel-webhooks/samples');
const { check } = require('./check.js');

globalThis.vesselResult = check(api, samples);
