import { z } from 'zod';
import { usageSchema as usage } from './common';

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

/** The window and filters of `GET /v1/costs`. */
export type CostQuery = z.input<typeof costQuerySchema>;

/** The answer of `GET /v1/costs`. */
export const costReportSchema = z.object({
  from: z.string().describe('start of the window, on a whole UTC hour'),
  to: z.string().describe('end of the window, exclusive, on a whole UTC hour'),
  total: usage,
  bySession: z.record(z.string(), usage),
  byAgentType: z.record(z.string(), usage),
  byModel: z.record(z.string(), usage),
});

/** Tokens and cost in a window, in total and by session, agent type and model. */
export type CostReportView = z.output<typeof costReportSchema>;
