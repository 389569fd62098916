// Types of `vessel-webhooks/hono` for import: the declarations are in hono.d.cts (CommonJS-format, so
// that require can use them under every TypeScript module setting).
export * from './hono.cjs';
