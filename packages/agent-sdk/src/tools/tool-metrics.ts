import { Counter, type Registry } from 'prom-client';

/** How a tool call ended: ran (`allowed`), refused by the policy, threw, or ran past its timeout. */
export type ToolCallOutcome = 'allowed' | 'denied' | 'failed' | 'timeout';

const CALLS = 'tta_tool_calls_total';

/** The tool-call counter of an agent process, `tta_tool_calls_total{agent_type,tool,outcome}`. */
export class ToolMetrics {
  private readonly calls: Counter<'agent_type' | 'tool' | 'outcome'>;

  constructor(registry: Registry) {
    // Several runtimes of one process may share a registry: they share the counter too.
    const existing = registry.getSingleMetric(CALLS);
    this.calls =
      existing instanceof Counter
        ? existing
        : new Counter({
            name: CALLS,
            help: 'Tool calls by agent type, tool and outcome (allowed, denied, failed, timeout)',
            labelNames: ['agent_type', 'tool', 'outcome'],
            registers: [registry],
          });
  }

  /** Counts one call. */
  record(agentType: string, tool: string, outcome: ToolCallOutcome): void {
    this.calls.inc({ agent_type: agentType, tool, outcome });
  }
}
