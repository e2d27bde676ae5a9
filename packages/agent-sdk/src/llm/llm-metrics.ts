import { reuseMetric } from '@tta/core';
import { Counter, type Registry } from 'prom-client';
import type { LlmTokenUsage } from './llm-provider';

type TokenLabels = 'agent_type' | 'model' | 'direction';
type CostLabels = 'agent_type' | 'model';

/**
 * The LLM metrics an agent process exports: tokens by direction and cost, by agent type and
 * model. Runtimes of one process share the metrics of its registry.
 */
export class LlmMetrics {
  private readonly tokens: Counter<TokenLabels>;
  private readonly cost: Counter<CostLabels>;

  constructor(registry: Registry) {
    this.tokens = reuseMetric(
      registry,
      'tta_tokens_total',
      () =>
        new Counter({
          name: 'tta_tokens_total',
          help: 'LLM tokens used by tasks, by direction (input or output)',
          labelNames: ['agent_type', 'model', 'direction'],
          registers: [registry],
        }),
    );
    this.cost = reuseMetric(
      registry,
      'tta_cost_usd_total',
      () =>
        new Counter({
          name: 'tta_cost_usd_total',
          help: 'Cost of the LLM calls of tasks, in USD',
          labelNames: ['agent_type', 'model'],
          registers: [registry],
        }),
    );
  }

  /** Records one call's tokens and cost. */
  record(agentType: string, model: string, usage: LlmTokenUsage, costUsd: number): void {
    const labels = { agent_type: agentType, model };
    this.tokens.inc({ ...labels, direction: 'input' }, usage.inputTokens);
    this.tokens.inc({ ...labels, direction: 'output' }, usage.outputTokens);
    this.cost.inc(labels, costUsd);
  }
}
