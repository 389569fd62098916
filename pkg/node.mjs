// Node's import: re-exports the CommonJS entry, so require and import share one instance.
import api from './node.cjs';

export const {
  verify,
  parse,
  constructEvent,
  verifyRequest,
  sign,
  getConnectionId,
  VesselWebhookError,
  VesselWebhooks,
  memoryStore,
  redisStore,
  postgresStore,
  durableObjectStore,
  VesselEventStore,
} = api;
