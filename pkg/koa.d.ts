// Types of `vessel-webhooks/koa` for import: the declarations are in koa.d.cts (CommonJS-format, so
// that require can use them under every TypeScript module setting).
export * from './koa.cjs';
