import { ADMIN_OPERATIONS } from './admin-operations';
import { AGENT_OPERATIONS } from './agent-operations';
import type { z } from 'zod';
import type { ApiOperation } from '../operation';
import { COST_OPERATIONS } from './cost-operations';
import { POLICY_OPERATIONS } from './policy-operations';
import { SAFETY_OPERATIONS } from './safety-operations';
import { SCALING_OPERATIONS } from './scaling-operations';
import { SESSION_OPERATIONS } from './session-operations';
import { SYSTEM_OPERATIONS } from './system-operations';
import { TASK_OPERATIONS } from './task-operations';
import { WORKFLOW_OPERATIONS } from './workflow-operations';

/**
 * Every route of the API but its HTML pages for operators (`/admin/...`), in the order the
 * OpenAPI document lists them: the one table the API mounts its routes from.
 */
export const API_OPERATIONS = [
  ...TASK_OPERATIONS,
  ...WORKFLOW_OPERATIONS,
  ...AGENT_OPERATIONS,
  ...SCALING_OPERATIONS,
  ...POLICY_OPERATIONS,
  ...COST_OPERATIONS,
  ...SAFETY_OPERATIONS,
  ...SESSION_OPERATIONS,
  ...ADMIN_OPERATIONS,
  ...SYSTEM_OPERATIONS,
] as const satisfies readonly ApiOperation[];

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
  { name: 'sessions', description: 'Player sessions: erase one, as a right to erasure asks' },
  { name: 'admin', description: 'Admin sessions of the dashboards: list and end them' },
  { name: 'system', description: 'Health, readiness, metrics and this document' },
];

/** One operation of {@link API_OPERATIONS}, with its literal types. */
export type Operation = (typeof API_OPERATIONS)[number];

/** The `operationId` of an operation: `enqueueTask`, `getTask`... */
export type OperationId = Operation['operationId'];

/** The operation named `Id`. */
export type OperationOf<Id extends OperationId> = Extract<Operation, { operationId: Id }>;

/** The JSON body operation `Id` answers with on success; `undefined` when it has none. */
export type ResponseOf<Id extends OperationId> = OperationOf<Id>['response'] extends {
  body: { schema: infer S extends z.ZodType };
}
  ? z.output<S>
  : undefined;

/** The JSON body operation `Id` takes, as a caller writes it; `undefined` when it takes none. */
export type RequestOf<Id extends OperationId> =
  OperationOf<Id> extends { body: { schema: infer S extends z.ZodType } } ? z.input<S> : undefined;

/** The query operation `Id` takes, as a caller writes it; `undefined` when it takes none. */
export type QueryOf<Id extends OperationId> =
  OperationOf<Id> extends { query: infer Q extends z.ZodType } ? z.input<Q> : undefined;

/** The path parameters of operation `Id`, by name (none: an empty dictionary). */
export type PathParamsOf<Id extends OperationId> =
  OperationOf<Id> extends { pathParams: infer P }
    ? { [K in keyof P]: string }
    : Record<string, string>;

/** The operation named `operationId`, or `undefined`. */
export function findOperation(operationId: string): Operation | undefined {
  return API_OPERATIONS.find((operation) => operation.operationId === operationId);
}
