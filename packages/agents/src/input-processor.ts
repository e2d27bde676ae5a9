import {
  parseOrThrow,
  SafetyMetrics,
  UnknownCapabilityError,
  type MetricsRegistry,
} from '@tta/core';
import { builtInCapabilitySchemas, type BuiltInCapability } from '@tta/contracts';
import { defineAgent, type ResolvedAgentDefinition } from '@tta/agent-sdk';
import { classifyWithLlm } from './input/classify-with-llm';
import { parseInput } from './input/parse-input';
import type { RiskClassifier } from './safety/classifier/risk-classifier';
import type { SafetyLexicon } from './safety/lexicon/screen-lexicon';
import { withSecondOpinion } from './safety/llm-second-opinion';
import { SafetyScreen } from './safety/safety-screen';

/** Options of {@link createInputProcessor}. */
export interface InputProcessorOptions {
  /** The safety lexicon the screen's rules read (see `loadSafetyLexicon`). */
  lexicon: SafetyLexicon;
  /** The screen's on-device classifier. Default: the committed model (`RiskClassifier.load()`). */
  classifier?: RiskClassifier;
  /**
   * Longest wait for the LLM's second opinion on a screen, in ms, when a real LLM provider is
   * configured; past it the on-device screen's result stands. Default: 1500.
   */
  secondOpinionTimeoutMs?: number;
  /** Jobs run at once per process. Default: 32. */
  concurrency?: number;
  /**
   * Where screens of `safety.screen` tasks sent on their own are counted by level
   * (`tta_safety_screens_total`); the workflow engine counts those of workflow runs. Default: none.
   */
  metrics?: MetricsRegistry;
}

const CAPABILITIES = ['input.parse', 'safety.screen'] as const satisfies BuiltInCapability[];

/**
 * The `input-processor` agent: `input.parse` normalises the player's text and classifies its
 * intent (by rules; with a real LLM provider configured, by the LLM, keeping the rules' intent
 * when its answer is not a valid one or the call fails); `safety.screen` screens it for crisis
 * and concern signals with the layered {@link SafetyScreen} (rules, fiction frame, on-device
 * classifier); with a real LLM provider, the LLM's second opinion may raise it, never lower it.
 */
export function createInputProcessor(options: InputProcessorOptions): ResolvedAgentDefinition {
  const screen = new SafetyScreen({ lexicon: options.lexicon, classifier: options.classifier });
  const secondOpinion = { timeoutMs: options.secondOpinionTimeoutMs ?? 1500 };
  const safety = new SafetyMetrics(options.metrics);
  return defineAgent({
    type: 'input-processor',
    capabilities: [...CAPABILITIES],
    concurrency: options.concurrency ?? 32,
    handler: async (task, ctx) => {
      ctx.signal.throwIfAborted();
      switch (task.capability) {
        case 'input.parse': {
          const input = parseOrThrow(
            builtInCapabilitySchemas['input.parse'].input,
            task.input,
            'input',
          );
          const parsed = parseInput(input.text);
          if (!ctx.llm.enabled) return parsed;
          const intent = await classifyWithLlm(ctx, input.text);
          return intent ? { ...parsed, intent } : parsed;
        }
        case 'safety.screen': {
          const input = parseOrThrow(
            builtInCapabilitySchemas['safety.screen'].input,
            task.input,
            'input',
          );
          let result = screen.screen(input.text);
          if (ctx.llm.enabled)
            result = await withSecondOpinion(ctx, input.text, result, secondOpinion);
          if (task.workflowRunId === undefined) safety.screened(result.level);
          if (result.level !== 'safe') {
            ctx.log.info('safety screen flagged', {
              level: result.level,
              categories: result.categories,
              layers: result.layers,
            });
          }
          return result;
        }
        default:
          throw new UnknownCapabilityError(task.capability, CAPABILITIES);
      }
    },
  });
}
