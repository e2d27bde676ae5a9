import type { Logger } from '@tta/core';
import type { LlmClient } from './llm/task-llm-client';
import type { TaskTools } from './tools/task-tools';
import type { ToolDefinition } from './tools/tool-definition';

/** What a handler receives about the task it runs. */
export interface AgentTask<Input = Record<string, unknown>> {
  /** Task id (the BullMQ job id). */
  id: string;
  /** The capability asked for; an agent serving several branches on it. */
  capability: string;
  /** The capability's input, already validated at the API. */
  input: Input;
  /** The player session, when the task has one. */
  sessionId?: string;
  /** Labels the task asked of its agent. */
  requirements?: Record<string, string>;
  /** 1 on the first attempt. */
  attempt: number;
  /** The workflow run this task is a step of (its parent job), when it is one. */
  workflowRunId?: string;
}

/** The context a handler runs in. */
export interface TaskContext {
  /** Id of the agent running the task. */
  agentId: string;
  /** Type of that agent. */
  agentType: string;
  /** Aborted when the task times out, is cancelled, or the agent is forced to stop. */
  signal: AbortSignal;
  /** A logger whose lines carry `taskId`, `agentId` and `sessionId`. */
  log: Logger;
  /** Reports progress (a number 0-100 or an object); streamed to the task's watchers. */
  progress(value: number | Record<string, unknown>): Promise<void>;
  /**
   * LLM calls under the agent type's policy and the budgets; their tokens and cost go to the
   * task's usage and the cost ledger. `llm.enabled` is false with the offline provider.
   */
  llm: LlmClient;
  /**
   * Tool calls under the tool policy of the agent's type: allowed tools only, within the
   * policy's permissions, timeout and concurrency; each one counted and logged.
   */
  tools: TaskTools;
}

/** A handler: the work of an agent for one task. Its return value is the task's output. */
export type AgentHandler = (task: AgentTask, ctx: TaskContext) => Promise<unknown>;

/** The definition of an agent type. */
export interface AgentDefinition {
  /** Agent type, e.g. `narrative-generator`: lowercase words joined by dashes. */
  type: string;
  /** Capabilities the agent serves; it consumes each one's queue. */
  capabilities: string[];
  /** Jobs run at once per process on each queue it consumes. Default: 16. */
  concurrency?: number;
  /** Labels of the agent (`tier`, `locale`...), used for routing to pools. Default: none. */
  labels?: Record<string, string>;
  /** Version reported to the registry. Default: `'0.0.0'`. */
  version?: string;
  /** Tools its handler may call through `ctx.tools` (the tool policy decides which it may). Default: none. */
  tools?: ToolDefinition[];
  /** Runs one task. */
  handler: AgentHandler;
}

/** An agent definition with its defaults filled in and checked. */
export type ResolvedAgentDefinition = Required<AgentDefinition>;

const TYPE = /^[a-z][a-z0-9-]*$/;
const CAPABILITY = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** Checks an agent definition and fills its defaults; throws a clear error at once if it is wrong. */
export function defineAgent(definition: AgentDefinition): ResolvedAgentDefinition {
  if (!TYPE.test(definition.type)) {
    throw new TypeError(`agent type '${definition.type}' must be lowercase words joined by dashes`);
  }
  if (definition.capabilities.length === 0) {
    throw new TypeError(`agent '${definition.type}' must serve at least one capability`);
  }
  for (const capability of definition.capabilities) {
    if (!CAPABILITY.test(capability)) {
      throw new TypeError(`agent '${definition.type}': invalid capability '${capability}'`);
    }
  }
  const concurrency = definition.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`agent '${definition.type}': concurrency must be a positive integer`);
  }
  if (typeof definition.handler !== 'function') {
    throw new TypeError(`agent '${definition.type}': handler must be a function`);
  }
  return {
    type: definition.type,
    capabilities: [...new Set(definition.capabilities)],
    concurrency,
    labels: { ...definition.labels },
    version: definition.version ?? '0.0.0',
    tools: [...(definition.tools ?? [])],
    handler: definition.handler,
  };
}
