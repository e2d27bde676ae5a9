import {
  builtInCapabilitySchemas,
  parseOrThrow,
  UnknownCapabilityError,
  type BuiltInCapability,
} from '@tta/core';
import { defineAgent, type ResolvedAgentDefinition } from '@tta/agent-sdk';
import { parseInput } from './input/parse-input';
import type { SafetyLexicon } from './safety/safety-lexicon';
import { screenText } from './safety/screen-text';

/** Options of {@link createInputProcessor}. */
export interface InputProcessorOptions {
  /** The safety lexicon `safety.screen` matches against (see `loadSafetyLexicon`). */
  lexicon: SafetyLexicon;
  /** Jobs run at once per process. Default: 32. */
  concurrency?: number;
}

const CAPABILITIES = ['input.parse', 'safety.screen'] as const satisfies BuiltInCapability[];

/**
 * The `input-processor` agent: `input.parse` normalises the player's text and classifies its
 * intent; `safety.screen` screens it for crisis and concern signals. Both are pure and fast.
 */
export function createInputProcessor(options: InputProcessorOptions): ResolvedAgentDefinition {
  const { lexicon } = options;
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
          return parseInput(input.text);
        }
        case 'safety.screen': {
          const input = parseOrThrow(
            builtInCapabilitySchemas['safety.screen'].input,
            task.input,
            'input',
          );
          const screen = screenText(input.text, lexicon);
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
