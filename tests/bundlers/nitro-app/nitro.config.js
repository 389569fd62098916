// Nitro bundles a `.wasm` import only with its `wasm` feature on (unwasm): the one option the
// package needs there, and only for a preset that resolves the `workerd` export (one that does
// not run on Node: cloudflare-*, deno-deploy, netlify-edge …).
export default defineNitroConfig({
  compatibilityDate: '2026-04-01',
  experimental: { wasm: true },
});
