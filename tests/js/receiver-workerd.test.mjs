// The receiver's semantics with durableObjectStore, inside workerd (miniflare): the suite's app
// is bundled by wrangler with the VesselEventStore Durable Object class.
import { startWorker } from './workerd-harness.mjs';
import { storeSuite } from './receiver/suite.mjs';

storeSuite(async () => {
  const worker = await startWorker('tests/js/receiver/worker.mjs', {
    durableObjects: { EVENTS: 'VesselEventStore' },
  });
  return {
    fetch: (path, init) => worker.mf.dispatchFetch(`http://receiver.test${path}`, init),
    stop: () => worker.dispose(),
  };
});
