import {
  ModelNotAllowedError,
  ValidationError,
  type LlmModelConfig,
  type LlmPolicy,
} from '@tta/core';
import { estimatePromptTokens } from './estimate-tokens';
import type { LlmRequest, LlmTokenUsage } from './llm-provider';

/** A model chosen for a call, with its tier when config `llm.models` knows it. */
export interface ModelChoice {
  model: string;
  tier?: string;
}

/** Options of {@link ModelCatalog}. */
export interface ModelCatalogOptions {
  /** Model name to tier and prices (config `llm.models`). Default: none (every call costs 0). */
  models?: Readonly<Record<string, Readonly<LlmModelConfig>>>;
  /** Model of calls that name neither a model nor a tier. Required. */
  defaultModel: string;
  /** Output tokens a call without `maxTokens` is assumed to produce, for budget estimates. Default: 256. */
  estimatedOutputTokens?: number;
}

const PER_MILLION = 1_000_000;

/**
 * The models a process knows, with their tiers and prices: which model a call gets under a
 * policy, what a call cost, what a call would cost, and which cheaper model may stand in. A
 * model missing from config `llm.models` has no tier and costs nothing.
 */
export class ModelCatalog {
  private readonly models: Readonly<Record<string, Readonly<LlmModelConfig>>>;
  private readonly defaultModel: string;
  private readonly estimatedOutputTokens: number;

  constructor(options: ModelCatalogOptions) {
    this.models = options.models ?? {};
    this.defaultModel = options.defaultModel;
    this.estimatedOutputTokens = options.estimatedOutputTokens ?? 256;
    if (!Number.isInteger(this.estimatedOutputTokens) || this.estimatedOutputTokens < 0) {
      throw new TypeError('ModelCatalog: estimatedOutputTokens must be a non-negative integer');
    }
  }

  /**
   * The model of a call: the one it names, else the first of its tier, else the default one
   * (or, when the policy does not allow the default's tier, the first model of the first allowed
   * tier that has one). Throws `ModelNotAllowedError` when the policy forbids the choice, and a
   * `ValidationError` for a tier no model has.
   */
  select(
    request: Pick<LlmRequest, 'model' | 'tier'>,
    agentType: string,
    policy?: LlmPolicy,
  ): ModelChoice {
    const allowed = policy?.allowedTiers;
    const permits = (tier: string | undefined) =>
      !allowed || (tier !== undefined && allowed.includes(tier));
    if (request.model !== undefined) {
      const choice = this.choice(request.model);
      if (!permits(choice.tier)) throw new ModelNotAllowedError(agentType, choice, allowed ?? []);
      return choice;
    }
    if (request.tier !== undefined) {
      if (!permits(request.tier))
        throw new ModelNotAllowedError(agentType, { tier: request.tier }, allowed ?? []);
      const model = this.modelsOfTier(request.tier)[0];
      if (model === undefined) {
        throw new ValidationError([
          { path: 'tier', message: `no model of tier '${request.tier}' in llm.models` },
        ]);
      }
      return { model, tier: request.tier };
    }
    const fallback = this.choice(this.defaultModel);
    if (permits(fallback.tier)) return fallback;
    const model = (allowed ?? []).flatMap((tier) => this.modelsOfTier(tier))[0];
    if (model === undefined) throw new ModelNotAllowedError(agentType, fallback, allowed ?? []);
    return this.choice(model);
  }

  /** What `usage` of `model` costs, in USD. */
  costUsd(model: string, usage: LlmTokenUsage): number {
    const price = this.models[model];
    if (!price) return 0;
    return (
      (usage.inputTokens * price.inputUsdPerMillion +
        usage.outputTokens * price.outputUsdPerMillion) /
      PER_MILLION
    );
  }

  /** What `request` would cost on `model`: its prompt estimated from characters, its answer at `maxTokens`. */
  estimateUsd(model: string, request: Pick<LlmRequest, 'messages' | 'maxTokens'>): number {
    return this.costUsd(model, {
      inputTokens: estimatePromptTokens(request.messages),
      outputTokens: request.maxTokens ?? this.estimatedOutputTokens,
    });
  }

  /**
   * The cheapest model of the policy's fallback tier that would cost less than `current` for
   * `request` and that `fits`; `undefined` when the policy names no fallback tier, does not
   * allow it, or no such model exists.
   */
  cheaperFallback(
    current: ModelChoice,
    request: Pick<LlmRequest, 'messages' | 'maxTokens'>,
    policy: LlmPolicy | undefined,
    fits: (estimateUsd: number) => boolean,
  ): ModelChoice | undefined {
    const tier = policy?.fallbackTier;
    if (tier === undefined || (policy?.allowedTiers && !policy.allowedTiers.includes(tier))) {
      return undefined;
    }
    const currentUsd = this.estimateUsd(current.model, request);
    const candidates = this.modelsOfTier(tier)
      .map((model) => ({ model, usd: this.estimateUsd(model, request) }))
      .filter(({ model, usd }) => model !== current.model && usd < currentUsd && fits(usd))
      .sort((a, b) => a.usd - b.usd);
    const best = candidates[0];
    return best && { model: best.model, tier };
  }

  private choice(model: string): ModelChoice {
    const tier = this.models[model]?.tier;
    return tier === undefined ? { model } : { model, tier };
  }

  private modelsOfTier(tier: string): string[] {
    return Object.entries(this.models)
      .filter(([, config]) => config.tier === tier)
      .map(([model]) => model);
  }
}
