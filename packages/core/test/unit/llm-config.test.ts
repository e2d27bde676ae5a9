import { ConfigError, loadConfig } from '@tta/core';
import { redactConfig } from '../../src/config/redact-config';

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const MODEL = { tier: 'fast', inputUsdPerMillion: 0.15, outputUsdPerMillion: 0.6 };

describe('config llm and costs', () => {
  it('defaults to the offline provider, no models and no budgets', () => {
    const config = loadConfig({ env: {} });
    expect(config.llm).toEqual({
      provider: 'offline',
      baseUrl: '',
      apiKey: '',
      model: '',
      memoTtlMs: 3_600_000,
      timeoutMs: 30_000,
      retries: 2,
      breaker: { failureThreshold: 5, openMs: 60_000, halfOpenMaxCalls: 1 },
      models: {},
    });
    expect(config.costs).toEqual({
      retentionDays: 35,
      budgets: { sessionUsd: null, taskUsd: null },
    });
  });

  it('reads the environment, model maps with dotted names, and overrides over both', () => {
    const config = loadConfig({
      env: {
        TTA_LLM_PROVIDER: 'openai-compatible',
        TTA_LLM_API_KEY: 'sk-secret-value',
        TTA_LLM_MODELS: JSON.stringify({ 'gpt-4o.mini': MODEL }),
        TTA_COSTS_BUDGETS_SESSION_USD: '0.5',
        TTA_LLM_BREAKER_OPEN_MS: '250',
      },
      overrides: {
        llm: { retries: 4, models: { 'llama3.1:8b': { ...MODEL, tier: 'local' } } },
        costs: { budgets: { taskUsd: 0.02 } },
      },
    });
    expect(config.llm).toMatchObject({
      provider: 'openai-compatible',
      apiKey: 'sk-secret-value',
      retries: 4,
      breaker: { openMs: 250 },
    });
    expect(config.llm.models).toEqual({
      'gpt-4o.mini': MODEL,
      'llama3.1:8b': { ...MODEL, tier: 'local' },
    });
    expect(config.costs.budgets).toEqual({ sessionUsd: 0.5, taskUsd: 0.02 });
  });

  it('never shows the API key in the redacted config', () => {
    const config = loadConfig({ env: { TTA_LLM_API_KEY: 'sk-secret-value' } });
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain('sk-secret-value');
    expect((redactConfig(config) as { llm: { apiKey: string } }).llm.apiKey).toBe('***');
  });

  it('refuses bad values with one line naming the key', () => {
    expect(configError(() => loadConfig({ env: { TTA_LLM_PROVIDER: 'magic' } }))).toMatch(
      /llm\.provider/,
    );
    expect(
      configError(() => loadConfig({ env: { TTA_LLM_MODELS: '{"m":{"tier":"fast"}}' } })),
    ).toMatch(/llm\.models\.m\.inputUsdPerMillion/);
    expect(configError(() => loadConfig({ env: { TTA_LLM_MODELS: '{not json' } }))).toMatch(
      /llm\.models \(from TTA_LLM_MODELS\): not valid JSON/,
    );
    expect(configError(() => loadConfig({ env: { TTA_COSTS_BUDGETS_TASK_USD: '-1' } }))).toMatch(
      /costs\.budgets\.taskUsd/,
    );
    expect(configError(() => loadConfig({ overrides: { llm: { nope: 1 } } }))).toMatch(/llm\.nope/);
  });
});
