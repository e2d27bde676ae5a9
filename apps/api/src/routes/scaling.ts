import type { OperationHandlers } from './operation-handlers';
import { ScalingStore, type QueueNames, type RedisClient } from '@tta/core';
import { withRedis } from '../http/with-redis';

/** Options of {@link scalingHandlers}. */
export interface ScalingRoutesOptions {
  /** The producer connection the autoscaler's published state is read on. */
  redis: RedisClient;
  /** Queue and key names of the deployment. */
  names: QueueNames;
}

/**
 * `GET /v1/scaling`: what the leading supervisor's autoscaler published: min, max, desired and
 * actual replicas and the last decision per agent type, and its newest decisions. Empty while
 * no autoscaler has run.
 */
export function scalingHandlers(options: ScalingRoutesOptions): OperationHandlers<'getScaling'> {
  const store = new ScalingStore(options.redis, { names: options.names });
  return {
    getScaling: async (_req, res) => {
      res.json(await withRedis(options.redis, () => store.read()));
    },
  };
}
