// A Node app that requires the package.
const api = require('vessel-webhooks');
const samples = require('vessel-webhooks/samples');
const { check } = require('./check.js');

console.log(JSON.stringify(check(api, samples)));
