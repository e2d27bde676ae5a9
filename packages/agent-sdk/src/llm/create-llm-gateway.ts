import { ConfigError, toError, type AppConfig, type CostLedger, type Logger } from '@tta/core';
import type { Registry } from 'prom-client';
import type { LlmCallMemo } from './llm-call-memo';
import { LlmGateway } from './llm-gateway';
import type { LlmProvider } from './llm-provider';
import { OfflineProvider } from './offline-provider';
import { OpenAiCompatibleProvider } from './openai-compatible-provider';

/** Options of {@link createLlmGateway}. */
export interface CreateLlmGatewayOptions {
  /** Config `llm`: provider, connection, retries, breaker and models. */
  llm: AppConfig['llm'];
  /** Config `costs`: its budgets. */
  costs: AppConfig['costs'];
  /** Where calls are recorded, and budgets read spend from. Default: none. */
  ledger?: CostLedger;
  /** Where completed calls are kept for a later run of their task. Default: none. */
  memo?: LlmCallMemo;
  /** Where the token and cost metrics go. Default: none. */
  metrics?: Registry;
  /** Retries, breaker changes and ledger failures. Default: none. */
  logger?: Logger;
}

/**
 * The {@link LlmGateway} of a worker process, from its config. Throws `ConfigError` when the
 * OpenAI-compatible provider lacks `llm.baseUrl` or `llm.model`.
 */
export function createLlmGateway(options: CreateLlmGatewayOptions): LlmGateway {
  const { llm, costs } = options;
  return new LlmGateway({
    provider: providerOf(llm, options.logger),
    models: llm.models,
    defaultModel: llm.model,
    breaker: {
      failureThreshold: llm.breaker.failureThreshold,
      openMs: llm.breaker.openMs,
      halfOpenMaxCalls: llm.breaker.halfOpenMaxCalls,
    },
    budgets: { sessionUsd: costs.budgets.sessionUsd, taskUsd: costs.budgets.taskUsd },
    ledger: options.ledger,
    ...(options.memo && { memo: options.memo }),
    metrics: options.metrics,
    logger: options.logger,
  });
}

function providerOf(llm: AppConfig['llm'], logger: Logger | undefined): LlmProvider {
  if (llm.provider === 'offline') return new OfflineProvider();
  for (const key of ['baseUrl', 'model'] as const) {
    if (llm[key] === '') {
      throw new ConfigError(
        `invalid configuration: llm.${key}: required when llm.provider is openai-compatible`,
      );
    }
  }
  try {
    return new OpenAiCompatibleProvider({
      baseUrl: llm.baseUrl,
      model: llm.model,
      apiKey: llm.apiKey,
      timeoutMs: llm.timeoutMs,
      retries: llm.retries,
      logger,
    });
  } catch (err) {
    throw new ConfigError(`invalid configuration: llm: ${toError(err).message}`, err);
  }
}
