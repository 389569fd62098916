// A browser app that requires the package.
const api = require('vessel-webhooks');
const { check } = require('./check.js');

globalThis.vesselResult = check(api);
