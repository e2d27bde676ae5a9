import { previewQuerySchema } from '@tta/contracts';
import type { OperationHandlers } from './operation-handlers';
import { parseOrThrow, ValidationError, type TaskRouter, type RedisClient } from '@tta/core';
import { labelSetSchema } from '@tta/contracts';
import { withRedis } from '../http/with-redis';

/** Options of {@link routingHandlers}. */
export interface RoutingRoutesOptions {
  /** The router whose decision is previewed. */
  router: TaskRouter;
  /** The producer connection the router reads through. */
  redis: RedisClient;
}

const FIELD = 'query.requirements';

/**
 * `GET /v1/routing/preview?capability=...&requirements=tier:fast,locale:en`: the queue a task
 * would go to now, and every known queue of the capability with its live agents, capacity,
 * backlog, expected wait and why it won or lost. Nothing is enqueued.
 */
export function routingHandlers(
  options: RoutingRoutesOptions,
): OperationHandlers<'previewRouting'> {
  return {
    previewRouting: async (req, res) => {
      const query = parseOrThrow(previewQuerySchema, req.query, 'query');
      const requirements = parseRequirements(query.requirements ?? '');
      res.json(
        await withRedis(options.redis, () =>
          options.router.preview(query.capability, requirements),
        ),
      );
    },
  };
}

/** `tier:fast,locale:en` → `{ tier: 'fast', locale: 'en' }`; an empty text is no requirement. */
export function parseRequirements(text: string): Record<string, string> {
  const pairs = new Map<string, string>();
  if (text === '') return {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf(':');
    if (at <= 0 || at === pair.length - 1) {
      throw invalid(
        `'${pair}' is not key:value (pairs joined by commas, e.g. tier:fast,locale:en)`,
      );
    }
    const key = pair.slice(0, at);
    if (pairs.has(key)) throw invalid(`'${key}' is given twice`);
    pairs.set(key, pair.slice(at + 1));
  }
  return parseOrThrow(labelSetSchema, Object.fromEntries(pairs), FIELD);
}

function invalid(message: string): ValidationError {
  return new ValidationError([{ path: FIELD, message }]);
}
