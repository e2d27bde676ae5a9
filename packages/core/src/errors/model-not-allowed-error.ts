import { AppError } from './app-error';

/** An LLM call asked for a model or tier that the agent type's policy does not allow. */
export class ModelNotAllowedError extends AppError {
  constructor(
    agentType: string,
    asked: { model?: string; tier?: string },
    allowedTiers: readonly string[],
  ) {
    const what =
      asked.model !== undefined
        ? `model '${asked.model}'${asked.tier === undefined ? ' (no tier)' : ` (tier '${asked.tier}')`}`
        : asked.tier !== undefined
          ? `tier '${asked.tier}'`
          : 'a model';
    super(
      'model_not_allowed',
      `agent type '${agentType}' may not use ${what}; allowed tiers: ${allowedTiers.join(', ') || 'none'}`,
      { details: { agentType, ...asked, allowedTiers: [...allowedTiers] } },
    );
  }
}
