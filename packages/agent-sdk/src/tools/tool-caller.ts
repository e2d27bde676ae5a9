import {
  DEFAULT_TOOL_CONCURRENCY,
  DEFAULT_TOOL_TIMEOUT_MS,
  needsProblem,
  ToolDeniedError,
  ToolTimeoutError,
  toError,
  type Logger,
  type PolicyProvider,
  type ToolLimits,
} from '@tta/core';
import type { Registry } from 'prom-client';
import type { TaskTools } from './task-tools';
import type { ToolCallContext, ToolDefinition } from './tool-definition';
import { ToolMetrics, type ToolCallOutcome } from './tool-metrics';
import type { ToolRegistry } from './tool-registry';
import { ToolSlots } from './tool-slots';

/** Options of {@link ToolCaller}. */
export interface ToolCallerOptions {
  /** The tools that can be called. */
  registry: ToolRegistry;
  /**
   * The tool policy. Default: none, and then every registered tool runs with the default limits
   * (10 s, 8 at once) and no permission check: for tests and embedding. The worker process
   * always passes its `PolicyManager`.
   */
  policies?: Pick<PolicyProvider, 'forAgent'>;
  /** Where `tta_tool_calls_total` goes. Default: none. */
  metrics?: Registry;
}

/** Who calls: the task a tool call belongs to. */
export interface ToolCallScope {
  /** Type of the calling agent: its policy applies. */
  agentType: string;
  /** The calling task: tools get idempotency keys made from it. */
  taskId: string;
  /** The task's signal: aborting it aborts the call. */
  signal: AbortSignal;
  /** The task's logger, asked for on the first call: one line per call (tool, outcome, ms; never the arguments). */
  log: () => Logger;
}

interface ToolGrant {
  tool: ToolDefinition;
  limits: ToolLimits;
}

const DEFAULT_LIMITS: ToolLimits = {
  timeoutMs: DEFAULT_TOOL_TIMEOUT_MS,
  concurrency: DEFAULT_TOOL_CONCURRENCY,
};

/**
 * Calls tools under the current tool policy of the caller's agent type: refuses a tool the
 * policy does not allow, one that is not registered, or one whose needs exceed the policy's
 * permissions (`ToolDeniedError`); holds a call past the tool's `concurrency` (per process);
 * aborts it past its `timeoutMs` (`ToolTimeoutError`), waiting included. Each call is counted
 * in `tta_tool_calls_total{agent_type,tool,outcome}` and logged.
 */
export class ToolCaller {
  private readonly slots = new ToolSlots();
  private readonly metrics?: ToolMetrics;

  constructor(private readonly options: ToolCallerOptions) {
    this.metrics = options.metrics && new ToolMetrics(options.metrics);
  }

  /** The `ctx.tools` of one task run: each call gets its idempotency key (see {@link ToolCallContext}). */
  forTask(scope: ToolCallScope): TaskTools {
    const calls = new Map<string, number>();
    return {
      call: (name, args = {}) => {
        const n = calls.get(name) ?? 0;
        calls.set(name, n + 1);
        return this.call(name, args, scope, `${scope.taskId}:${name}:${n}`);
      },
    };
  }

  /**
   * Calls tool `name` with `args` for `scope`, as {@link TaskTools.call} describes; the tool
   * gets `idempotencyKey`.
   */
  async call(
    name: string,
    args: Record<string, unknown>,
    scope: ToolCallScope,
    idempotencyKey: string,
  ): Promise<unknown> {
    const startedAt = Date.now();
    try {
      const grant = this.authorize(name, args, scope.agentType);
      const output = await this.run(name, grant, args, { ...scope, idempotencyKey });
      this.record(name, 'allowed', startedAt, scope);
      return output;
    } catch (err) {
      const error = toError(err);
      this.record(name, outcomeOf(error), startedAt, scope, error);
      throw error;
    }
  }

  private authorize(name: string, args: Record<string, unknown>, agentType: string): ToolGrant {
    const tool = this.options.registry.get(name);
    const policies = this.options.policies;
    if (!policies) {
      if (!tool)
        throw new ToolDeniedError(agentType, name, 'no tool of this name is registered', 'none');
      return { tool, limits: DEFAULT_LIMITS };
    }
    const view = policies.forAgent(agentType);
    const deny = (reason: string) => new ToolDeniedError(agentType, name, reason, view.version);
    const limits = Object.hasOwn(view.policy.tools, name) ? view.policy.tools[name] : undefined;
    if (!limits) {
      const which =
        view.from === 'none'
          ? 'no policy applies to this agent type'
          : `not in the tools of the ${view.from === 'own' ? agentType : 'default'} policy`;
      throw deny(which);
    }
    if (!tool) throw deny('no tool of this name is registered');
    const needs = typeof tool.needs === 'function' ? tool.needs(args) : (tool.needs ?? {});
    const problem = needsProblem(needs, view.policy.permissions);
    if (problem !== undefined) throw deny(problem);
    return { tool, limits };
  }

  private async run(
    name: string,
    grant: ToolGrant,
    args: Record<string, unknown>,
    scope: ToolCallScope & { idempotencyKey: string },
  ): Promise<unknown> {
    const { timeoutMs, concurrency } = grant.limits;
    scope.signal.throwIfAborted();
    const controller = new AbortController();
    const onTaskAbort = () => controller.abort(scope.signal.reason);
    scope.signal.addEventListener('abort', onTaskAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new ToolTimeoutError(name, timeoutMs)),
      timeoutMs,
    );
    try {
      const release = await this.slots.acquire(
        `${scope.agentType}\0${name}`,
        concurrency,
        controller.signal,
      );
      try {
        const context: ToolCallContext = {
          signal: controller.signal,
          log: scope.log(),
          agentType: scope.agentType,
          taskId: scope.taskId,
          idempotencyKey: scope.idempotencyKey,
        };
        return await untilAborted(grant.tool.handler(args, context), controller.signal);
      } finally {
        release();
      }
    } finally {
      clearTimeout(timer);
      scope.signal.removeEventListener('abort', onTaskAbort);
    }
  }

  private record(
    name: string,
    outcome: ToolCallOutcome,
    startedAt: number,
    scope: ToolCallScope,
    error?: Error,
  ): void {
    this.metrics?.record(scope.agentType, name, outcome);
    const fields: Record<string, unknown> = { tool: name, outcome, ms: Date.now() - startedAt };
    if (outcome === 'allowed') {
      scope.log().info('tool call', fields);
      return;
    }
    // The policy's and the timeout's messages are ours; a failing tool's may quote its arguments.
    if (outcome === 'failed') fields.error = error?.name;
    else fields.reason = error?.message;
    scope.log().warn('tool call', fields);
  }
}

function outcomeOf(error: Error): ToolCallOutcome {
  if (error instanceof ToolDeniedError) return 'denied';
  if (error instanceof ToolTimeoutError) return 'timeout';
  return 'failed';
}

// The call ends when its signal aborts, even if the tool ignores the signal.
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(toError(signal.reason));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
