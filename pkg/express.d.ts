// Types of `vessel-webhooks/express` for import: the declarations are in express.d.cts (CommonJS-format, so
// that require can use them under every TypeScript module setting).
export * from './express.cjs';
