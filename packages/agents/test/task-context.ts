import {
  LlmGateway,
  ToolCaller,
  ToolRegistry,
  type AgentTask,
  type TaskContext,
  type ToolDefinition,
} from '@tta/agent-sdk';
import { createLogger } from '@tta/core';

/** A task context whose progress calls are recorded and whose signal the test controls. */
export interface RecordingTaskContext extends TaskContext {
  /** Every value passed to `progress`, in order. */
  progressCalls: (number | Record<string, unknown>)[];
  /** Aborts `signal`. */
  controller: AbortController;
}

let nextTaskContext = 0;

/** What a hand-built context is made of beyond its agent type. */
export interface TaskContextOptions {
  /** Where `ctx.llm` calls go. Default: an offline gateway (`ctx.llm.enabled` is false). */
  llm?: LlmGateway;
  /** The tools `ctx.tools` calls (the agent's `tools`), without a policy. Default: none. */
  tools?: readonly ToolDefinition[];
}

/** A hand-built context for calling a handler directly. */
export function createTaskContext(
  agentType = 'test-agent',
  options: TaskContextOptions = {},
): RecordingTaskContext {
  const controller = new AbortController();
  const progressCalls: (number | Record<string, unknown>)[] = [];
  const log = createLogger({ level: 'error' });
  nextTaskContext += 1;
  return {
    agentId: `${agentType}-test`,
    agentType,
    signal: controller.signal,
    log,
    progress: async (value) => {
      progressCalls.push(value);
    },
    llm: (options.llm ?? new LlmGateway()).forTask({
      taskId: `context-${nextTaskContext}`,
      agentType,
      signal: controller.signal,
      log: () => log,
    }),
    tools: new ToolCaller({ registry: new ToolRegistry(options.tools) }).forTask({
      agentType,
      signal: controller.signal,
      log: () => log,
    }),
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
