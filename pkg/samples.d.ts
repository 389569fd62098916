// Types of `vessel-webhooks/samples` for import: the declarations are in samples.d.cts (CommonJS-format, so
// that require can use them under every TypeScript module setting).
export * from './samples.cjs';
