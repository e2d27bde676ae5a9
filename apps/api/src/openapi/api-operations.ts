import { AGENT_OPERATIONS } from './agent-operations';
import type { ApiOperation } from './api-operation';
import { COST_OPERATIONS } from './cost-operations';
import { POLICY_OPERATIONS } from './policy-operations';
import { SAFETY_OPERATIONS } from './safety-operations';
import { SCALING_OPERATIONS } from './scaling-operations';
import { SYSTEM_OPERATIONS } from './system-operations';
import { TASK_OPERATIONS } from './task-operations';
import { WORKFLOW_OPERATIONS } from './workflow-operations';

/** Every documented route of the API, in the order the document lists them. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  ...TASK_OPERATIONS,
  ...WORKFLOW_OPERATIONS,
  ...AGENT_OPERATIONS,
  ...SCALING_OPERATIONS,
  ...POLICY_OPERATIONS,
  ...COST_OPERATIONS,
  ...SAFETY_OPERATIONS,
  ...SYSTEM_OPERATIONS,
];

/** The tags of the document, in order, with what each groups. */
export const API_TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'tasks', description: 'Enqueue, read, cancel and follow tasks' },
  { name: 'workflows', description: 'Workflow definitions, and runs: start, read, cancel, follow' },
  { name: 'dead-letter', description: 'Tasks that failed for good: list, retry, delete' },
  { name: 'agents', description: 'Live agents, the capability catalog and routing' },
  { name: 'policy', description: 'The tool policy agents run under: read, check, reload' },
  { name: 'costs', description: 'Tokens and cost of LLM calls, from the cost ledger' },
  {
    name: 'safety',
    description: 'Safety events (crisis, concern, screen unavailable): review, stream, audit',
  },
  { name: 'system', description: 'Health, readiness, metrics and this document' },
];
