// A Worker without nodejs_compat whose bundle defines a `process` with no getBuiltinModule (only
// `process.env`, as bundles that read process.env.NODE_ENV may): the package must still load, and
// give workerd-spy.mjs's verdicts (tests/js/workerd.test.mjs).
globalThis.process = { env: {} };
export default (await import('./workerd-spy.mjs')).default;
