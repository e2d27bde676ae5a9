import {
  builtInCapabilitySchemas,
  parseOrThrow,
  UnknownCapabilityError,
  type BuiltInCapability,
} from '@tta/core';
import { defineAgent, type ResolvedAgentDefinition } from '@tta/agent-sdk';
import { parseInput } from './input/parse-input';
import { composePassage } from './narrative/compose-passage';

/** Options of {@link createNarrativeGenerator}. */
export interface NarrativeGeneratorOptions {
  /** Jobs run at once per process. Default: 32. */
  concurrency?: number;
}

const CAPABILITIES = ['narrative.generate'] as const satisfies BuiltInCapability[];

/**
 * The `narrative-generator` agent: `narrative.generate` writes the next passage from the
 * turn's text or intent, the world and its changes, with templates (offline, deterministic).
 * Reports progress at 50 (input understood) and 100 (passage written).
 */
export function createNarrativeGenerator(
  options: NarrativeGeneratorOptions = {},
): ResolvedAgentDefinition {
  return defineAgent({
    type: 'narrative-generator',
    capabilities: [...CAPABILITIES],
    concurrency: options.concurrency ?? 32,
    handler: async (task, ctx) => {
      ctx.signal.throwIfAborted();
      if (task.capability !== 'narrative.generate') {
        throw new UnknownCapabilityError(task.capability, CAPABILITIES);
      }
      const input = parseOrThrow(
        builtInCapabilitySchemas['narrative.generate'].input,
        task.input,
        'input',
      );
      const intent = input.intent ?? parseInput(input.text ?? '').intent;
      await ctx.progress(50);
      ctx.signal.throwIfAborted();
      const passage = composePassage({
        text: input.text,
        intent,
        world: input.world,
        changes: input.changes,
        applied: input.applied,
      });
      await ctx.progress(100);
      return passage;
    },
  });
}
