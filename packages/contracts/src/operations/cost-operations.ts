import type { ApiOperation } from '../operation';
import { costQuerySchema, costReportSchema } from '../schemas/costs';

/** The cost ledger's route. */
export const COST_OPERATIONS = [
  {
    method: 'GET',
    path: '/v1/costs',
    scope: 'tasks:read',
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
] as const satisfies readonly ApiOperation[];
