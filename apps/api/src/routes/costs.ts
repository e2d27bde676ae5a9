import { parseOrThrow, ValidationError, type CostLedger, type RedisClient } from '@tta/core';
import { Router } from 'express';
import { z } from 'zod';
import { withRedis } from '../with-redis';

/** Options of {@link costRoutes}. */
export interface CostRoutesOptions {
  /** The cost ledger the report is read from. */
  costs: CostLedger;
  /** The producer connection the ledger reads through. */
  redis: RedisClient;
}

const DAY_MS = 86_400_000;

/** An ISO time (`2024-05-01T12:00:00Z`) or epoch milliseconds, as epoch ms; `undefined` if neither. */
export function parseTime(text: string): number | undefined {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

const time = z
  .string()
  .max(64)
  .refine((text) => parseTime(text) !== undefined, 'must be an ISO time or epoch milliseconds');

/** The query of `GET /v1/costs`: the window and filters of the report. */
export const costQuerySchema = z
  .object({
    from: time.optional().describe('start of the window; default: 24 hours before `to`'),
    to: time.optional().describe('end of the window, exclusive; default: now'),
    sessionId: z.string().min(1).max(128).optional(),
    agentType: z.string().min(1).max(128).optional(),
    model: z.string().min(1).max(256).optional(),
  })
  .strict();

/**
 * `GET /v1/costs?from=&to=&sessionId=&agentType=&model=`: tokens and cost of LLM calls in the
 * window (default: the last 24 hours, in whole UTC hours), in total and by session, agent type
 * and model, from the cost ledger.
 */
export function costRoutes(options: CostRoutesOptions): Router {
  const router = Router();
  router.get('/v1/costs', async (req, res) => {
    const { from, to, ...filter } = parseOrThrow(costQuerySchema, req.query, 'query');
    const toMs = to === undefined ? Date.now() : (parseTime(to) as number);
    const fromMs = from === undefined ? toMs - DAY_MS : (parseTime(from) as number);
    if (fromMs >= toMs) {
      throw new ValidationError([{ path: 'query.from', message: 'must be before to' }]);
    }
    const report = await withRedis(options.redis, () =>
      options.costs.report({ ...filter, from: fromMs, to: toMs }),
    );
    res.json(report);
  });
  return router;
}
