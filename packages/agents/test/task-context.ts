import type { AgentTask, TaskContext } from '@tta/agent-sdk';
import { createLogger } from '@tta/core';

/** A task context whose progress calls are recorded and whose signal the test controls. */
export interface RecordingTaskContext extends TaskContext {
  /** Every value passed to `progress`, in order. */
  progressCalls: (number | Record<string, unknown>)[];
  /** Aborts `signal`. */
  controller: AbortController;
}

/** A hand-built context for calling a handler directly. */
export function createTaskContext(agentType = 'test-agent'): RecordingTaskContext {
  const controller = new AbortController();
  const progressCalls: (number | Record<string, unknown>)[] = [];
  return {
    agentId: `${agentType}-test`,
    agentType,
    signal: controller.signal,
    log: createLogger({ level: 'error' }),
    progress: async (value) => {
      progressCalls.push(value);
    },
    progressCalls,
    controller,
  };
}

let nextId = 0;

/** A task for `capability` with `input`, as the runtime would hand it to a handler. */
export function agentTask(
  capability: string,
  input: Record<string, unknown>,
  extra: Partial<AgentTask> = {},
): AgentTask {
  nextId += 1;
  return { id: `task-${nextId}`, capability, input, attempt: 1, ...extra };
}
