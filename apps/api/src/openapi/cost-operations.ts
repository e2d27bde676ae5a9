import { z } from 'zod';
import { costQuerySchema } from '../routes/costs';
import type { ApiOperation } from './api-operation';

const usage = z.object({
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
});

/** The answer of `GET /v1/costs`. */
export const costReportSchema = z.object({
  from: z.string().describe('start of the window, on a whole UTC hour'),
  to: z.string().describe('end of the window, exclusive, on a whole UTC hour'),
  total: usage,
  bySession: z.record(z.string(), usage),
  byAgentType: z.record(z.string(), usage),
  byModel: z.record(z.string(), usage),
});

/** The cost ledger's route. */
export const COST_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/costs',
    operationId: 'getCosts',
    tag: 'costs',
    summary: 'Tokens and cost of LLM calls, in total and by session, agent type and model',
    description:
      'From the cost ledger, in whole UTC hours that overlap the window (default: the last 24 hours; at most config `costs.retentionDays` back). `from` and `to` are ISO times or epoch milliseconds; the filters combine.',
    query: costQuerySchema,
    response: {
      status: 200,
      description: 'the report',
      body: { name: 'CostReport', schema: costReportSchema },
    },
  },
];
