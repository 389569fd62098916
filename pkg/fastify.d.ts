// Types of `vessel-webhooks/fastify` for import: the declarations are in fastify.d.cts (CommonJS-format, so
// that require can use them under every TypeScript module setting). The default export is declared
// here: re-exported from the CommonJS file, it would be that file's whole module.
import { vesselWebhooks } from './fastify.cjs';
export * from './fastify.cjs';
export default vesselWebhooks;
