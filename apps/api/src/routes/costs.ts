import { readScopeOf } from '../access/api-caller';
import { costQuerySchema, parseTime } from '@tta/contracts';
import type { OperationHandlers } from './operation-handlers';
import { parseOrThrow, ValidationError, type CostLedger, type RedisClient } from '@tta/core';
import { withRedis } from '../http/with-redis';

/** Options of {@link costHandlers}. */
export interface CostRoutesOptions {
  /** The cost ledger the report is read from. */
  costs: CostLedger;
  /** The producer connection the ledger reads through. */
  redis: RedisClient;
}

const DAY_MS = 86_400_000;

/**
 * `GET /v1/costs?from=&to=&sessionId=&agentType=&model=`: tokens and cost of LLM calls in the
 * window (default: the last 24 hours, in whole UTC hours), in total and by session, agent type
 * and model, from the cost ledger.
 */
export function costHandlers(options: CostRoutesOptions): OperationHandlers<'getCosts'> {
  return {
    getCosts: async (req, res) => {
      const { from, to, ...filter } = parseOrThrow(costQuerySchema, req.query, 'query');
      const toMs = to === undefined ? Date.now() : (parseTime(to) as number);
      const fromMs = from === undefined ? toMs - DAY_MS : (parseTime(from) as number);
      if (fromMs >= toMs) {
        throw new ValidationError([{ path: 'query.from', message: 'must be before to' }]);
      }
      const report = await withRedis(options.redis, () =>
        options.costs.report({ ...filter, from: fromMs, to: toMs }, readScopeOf(req)),
      );
      res.json(report);
    },
  };
}
