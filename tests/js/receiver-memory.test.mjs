// The receiver's semantics with memoryStore() (tests/js/receiver/suite.mjs).
import { memoryStore } from 'vessel-webhooks';
import { createApp, LEASE_SECONDS } from './receiver/app.mjs';
import { storeContract, storeSuite } from './receiver/suite.mjs';

storeSuite(async () => {
  const app = createApp({ store: memoryStore(), leaseSeconds: LEASE_SECONDS });
  return {
    fetch: (path, init) => app(new Request(`http://receiver.test${path}`, init)),
    stop() {},
  };
});

storeContract(() => memoryStore());
