import { taskBatchRequestSchema, taskRequestSchema, type TaskRequest } from '@tta/contracts';
import type { CapabilityCatalog } from '../capabilities/capability-catalog';
import { ValidationError } from '../errors/validation-error';
import { parseOrThrow, toFieldIssues } from '../errors/zod-issues';

/** What a task request is checked against, besides its schema. */
export interface TaskRequestRules {
  catalog: CapabilityCatalog;
  /** The longest `timeoutMs` a request may ask for. */
  maxTimeoutMs: number;
  /** The most tasks of one batch. Default: 500. */
  maxBatchSize?: number;
}

/**
 * One request body checked without touching Redis: its schema, its capability's input schema
 * and session requirement, its timeout. Throws a ValidationError naming the field (under `root`).
 */
export function validateTaskRequest(
  body: unknown,
  rules: TaskRequestRules,
  root = '',
): TaskRequest {
  const request = parseOrThrow(taskRequestSchema, body, root);
  const entry = rules.catalog.get(request.capability);
  const at = (field: string) => (root ? `${root}.${field}` : field);
  if (entry.schemas) {
    const parsed = entry.schemas.input.safeParse(request.input);
    if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error, at('input')));
    request.input = parsed.data as Record<string, unknown>;
    if (entry.schemas.requiresSession && request.sessionId === undefined) {
      throw new ValidationError([{ path: at('sessionId'), message: `required by ${entry.name}` }]);
    }
  }
  if (request.timeoutMs !== undefined && request.timeoutMs > rules.maxTimeoutMs) {
    throw new ValidationError([
      { path: at('timeoutMs'), message: `must be at most ${rules.maxTimeoutMs}` },
    ]);
  }
  return request;
}

/** A batch body (`{ tasks }`) checked without touching Redis: its size and every task. */
export function validateTaskBatch(body: unknown, rules: TaskRequestRules): TaskRequest[] {
  const { tasks } = parseOrThrow(taskBatchRequestSchema, body);
  const max = rules.maxBatchSize ?? 500;
  if (tasks.length > max) {
    throw new ValidationError([{ path: 'tasks', message: `at most ${max} tasks per batch` }]);
  }
  return tasks.map((task, i) => validateTaskRequest(task, rules, `tasks.${i}`));
}
