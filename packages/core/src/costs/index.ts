/**
 * Costs: the token usage of tasks and the ledger of LLM spend by session, agent type and model.
 */
export {
  COST_BUCKET_MS,
  costBucketKey,
  type CostEntry,
  CostLedger,
  type CostLedgerOptions,
  type CostQuery,
  type CostRecordOnce,
  type CostSpend,
  llmCallsKey,
} from './cost-ledger';
export type { CostReport } from './cost-report';
export type { TaskUsage } from './task-usage';
