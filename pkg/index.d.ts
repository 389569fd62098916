// Types of the main entry for import: the declarations are in index.d.cts (CommonJS-format, so
// that require can use them under every TypeScript module setting).
export * from './index.cjs';
