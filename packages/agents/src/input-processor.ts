import {
  builtInCapabilitySchemas,
  parseOrThrow,
  SafetyMetrics,
  UnknownCapabilityError,
  type BuiltInCapability,
  type MetricsRegistry,
} from '@tta/core';
import { defineAgent, type ResolvedAgentDefinition } from '@tta/agent-sdk';
import { classifyWithLlm } from './input/classify-with-llm';
import { parseInput } from './input/parse-input';
import type { SafetyLexicon } from './safety/safety-lexicon';
import { screenText } from './safety/screen-text';

/** Options of {@link createInputProcessor}. */
export interface InputProcessorOptions {
  /** The safety lexicon `safety.screen` matches against (see `loadSafetyLexicon`). */
  lexicon: SafetyLexicon;
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
 * and concern signals, always by the lexicon's rules: a crisis decision is never left to an LLM.
 */
export function createInputProcessor(options: InputProcessorOptions): ResolvedAgentDefinition {
  const { lexicon } = options;
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
          const screen = screenText(input.text, lexicon);
          if (task.workflowRunId === undefined) safety.screened(screen.level);
          if (screen.level !== 'safe') {
            ctx.log.info('safety screen matched', {
              level: screen.level,
              categories: screen.categories,
            });
          }
          return screen;
        }
        default:
          throw new UnknownCapabilityError(task.capability, CAPABILITIES);
      }
    },
  });
}
