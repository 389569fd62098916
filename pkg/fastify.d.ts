// Types of `vessel-webhooks/fastify` for import: the declarations are in fastify.d.cts (CommonJS-format, so
// that require can use them under every TypeScript module setting).
export * from './fastify.cjs';
export { default } from './fastify.cjs';
