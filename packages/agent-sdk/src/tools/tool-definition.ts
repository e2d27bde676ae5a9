import { DOTTED_NAME, type Logger, type ToolNeeds } from '@tta/core';

/** What a tool's handler receives besides its arguments. */
export interface ToolCallContext {
  /** Aborted when the call runs past its policy's `timeoutMs` or its task is aborted. */
  signal: AbortSignal;
  /** The calling task's logger. */
  log: Logger;
  /** Type of the calling agent. */
  agentType: string;
  /** The calling task. */
  taskId: string;
  /**
   * The same for the same call in every run of the task: `<taskId>:<tool>:<n>`, the n-th call
   * (from 0) of this tool in the run. A task runs again when its agent died or a Redis stall
   * outlived its lock; a tool with an effect outside (a message sent, a record written) passes
   * this key on, or keeps it, so that the effect happens once.
   */
  idempotencyKey: string;
}

/** The work of a tool: its return value is what `ctx.tools.call` resolves with. */
export type ToolHandler = (args: Record<string, unknown>, ctx: ToolCallContext) => Promise<unknown>;

/** A tool an agent's handler may call through `ctx.tools.call(name, args)`. */
export interface ToolDefinition {
  /** The name policies allow it by: dotted lowercase words, e.g. `world.snapshot`. */
  name: string;
  /** What it does, for operators. Default: none. */
  description?: string;
  /**
   * What it reaches when it runs (hosts, paths, processes), which the policy's permissions must
   * cover; a function when that depends on the arguments. Default: nothing.
   */
  needs?: ToolNeeds | ((args: Record<string, unknown>) => ToolNeeds);
  /** Runs one call. */
  handler: ToolHandler;
}

/** Checks a tool definition; throws a clear error at once if it is wrong. */
export function defineTool(tool: ToolDefinition): ToolDefinition {
  if (!DOTTED_NAME.test(tool.name)) {
    throw new TypeError(`tool '${tool.name}': the name must be dotted lowercase words`);
  }
  if (typeof tool.handler !== 'function') {
    throw new TypeError(`tool '${tool.name}': handler must be a function`);
  }
  return { ...tool };
}
