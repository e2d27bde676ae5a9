import { parseOrThrow, UnknownCapabilityError } from '@tta/core';
import { builtInCapabilitySchemas, type BuiltInCapability } from '@tta/contracts';
import { defineAgent, type ResolvedAgentDefinition } from '@tta/agent-sdk';
import { parseInput } from './input/parse-input';
import { composePassage } from './narrative/compose-passage';
import { framePassage } from './narrative/frame-passage';
import { narrateWithLlm } from './narrative/narrate-with-llm';
import type { PassageRequest } from './narrative/passage-facts';

/** Options of {@link createNarrativeGenerator}. */
export interface NarrativeGeneratorOptions {
  /** Jobs run at once per process. Default: 32. */
  concurrency?: number;
}

const CAPABILITIES = ['narrative.generate'] as const satisfies BuiltInCapability[];

/**
 * The `narrative-generator` agent: `narrative.generate` writes the next passage from the
 * turn's text or intent, the world and its changes, with templates (offline, deterministic).
 * With a real LLM provider configured (`ctx.llm.enabled`), the LLM rewrites the templates'
 * passage in a supportive, non-judging voice, keeping its facts and tone; when that call fails
 * the templates' passage stands. The turn's `safety` frames the passage with template lines
 * the LLM never writes: a `concern` turn (or a `crisis` that reached the narrator) opens with a
 * validating check-in, supportive mode opens with a supportive line and is told in a gentle
 * tone, and `suggestBreak` ends it with a suggested break; the output carries them as `checkIn`
 * and `breakSuggestion`. Reports progress at 50 (input understood) and 100 (passage written).
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
      const request: PassageRequest = {
        text: input.text,
        intent,
        world: input.world,
        changes: input.changes,
        applied: input.applied,
      };
      const draft = composePassage(request);
      const story = ctx.llm.enabled
        ? await narrateWithLlm(ctx, request, draft, input.safety)
        : draft;
      await ctx.progress(100);
      return framePassage(story, request, input.safety);
    },
  });
}
