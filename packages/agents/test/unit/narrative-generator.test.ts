import { ValidationError } from '@tta/core';
import {
  builtInCapabilitySchemas,
  INTENT_VERBS,
  NARRATIVE_TONES,
  type IntentVerb,
} from '@tta/contracts';
import { createNarrativeGenerator, parseInput } from '@tta/agents';
import { applyIntent } from '../../src/world/apply-intent';
import { initialWorld } from '../../src/world/world-map';
import { agentTask, createTaskContext } from '../task-context';

const agent = createNarrativeGenerator();
const outputSchema = builtInCapabilitySchemas['narrative.generate'].output;

/** One command per intent verb, played in the garden where there is something for each. */
const COMMANDS: Record<IntentVerb, string> = {
  look: 'look around',
  move: 'go west',
  take: 'take the seeds',
  drop: 'drop the stone',
  use: 'use the watering can',
  talk: 'talk to the old woman',
  inventory: 'inventory',
  help: 'help',
  rest: 'rest',
  express: 'I feel sad',
  unknown: 'dance with the moon',
};

const BANNED =
  /\b(stupid|wrong|fail\w*|idiot\w*|silly|pathetic|useless|lazy|weak|should have|you must|hurry up|bad choice|mistake)\b/i;

function gardenWorld() {
  let world = initialWorld();
  for (const command of ['take stone', 'e', 'take watering can']) {
    world = applyIntent(world, parseInput(command).intent).world;
  }
  return world;
}

async function generate(input: Record<string, unknown>) {
  const ctx = createTaskContext('narrative-generator');
  const output = await agent.handler(agentTask('narrative.generate', input), ctx);
  return { output: outputSchema.parse(output), ctx };
}

/** The input a workflow would send after world.update played `command` in the garden. */
function turnInput(command: string) {
  const intent = parseInput(command).intent;
  const { world, changes, applied } = applyIntent(gardenWorld(), intent);
  return { text: command, intent, world, changes, applied };
}

describe('narrative-generator', () => {
  test('is the narrative-generator agent serving narrative.generate', () => {
    expect(agent).toMatchObject({
      type: 'narrative-generator',
      capabilities: ['narrative.generate'],
    });
  });

  test.each(INTENT_VERBS)('writes a passage for %s that ends with choices', async (verb) => {
    const input = turnInput(COMMANDS[verb]);
    expect(input.intent.verb).toBe(verb);
    const { output } = await generate(input);
    expect(NARRATIVE_TONES).toContain(output.tone);
    const [story, choices, ...more] = output.passage.split('\n\n');
    expect(more).toEqual([]);
    expect(story).toMatch(/\byou\b/i);
    expect(choices).toMatch(/\byou (could|might)\b/i);
  });

  test('writes each verb in its own words', async () => {
    const passages = await Promise.all(
      INTENT_VERBS.map(async (verb) => (await generate(turnInput(COMMANDS[verb]))).output.passage),
    );
    const stories = passages.map((passage) => passage.split('\n\n')[0]);
    expect(new Set(stories).size).toBe(INTENT_VERBS.length);
    expect(stories[INTENT_VERBS.indexOf('talk')]).toMatch(/Mira/);
    expect(stories[INTENT_VERBS.indexOf('express')]).toMatch(/\bsad\b/);
    expect(stories[INTENT_VERBS.indexOf('move')]).toMatch(/the sunlit meadow/);
  });

  test('gives the same passage for the same input, whatever its key order', async () => {
    const input = turnInput('go west');
    const reordered = Object.fromEntries(Object.entries(input).reverse());
    const first = await generate(input);
    expect((await generate(input)).output).toEqual(first.output);
    expect((await generate(reordered)).output).toEqual(first.output);
  });

  test('chooses among variants by its input', async () => {
    const texts = ['look', 'look around', 'l', 'where am i', 'what is here', 'describe', 'look!'];
    const passages = await Promise.all(
      texts.map(async (text) => (await generate({ text })).output),
    );
    expect(new Set(passages.map((p) => p.passage.split('.')[0])).size).toBeGreaterThan(1);
  });

  test('explains gently when the world could not carry the intent out', async () => {
    const input = turnInput('go inside');
    expect(input.applied).toBe(false);
    const { output } = await generate(input);
    expect(output.tone).toBe('reassuring');
    expect(output.passage).toContain(input.changes[0]);
  });

  test('answers feelings with care', async () => {
    expect((await generate({ text: 'I feel sad' })).output.tone).toBe('gentle');
    expect((await generate({ text: 'I am not okay' })).output.passage).toMatch(
      /don't feel okay|not feel okay/,
    );
    expect((await generate({ text: 'I feel calm' })).output.tone).toBe('warm');
  });

  test('never uses shaming or judging words, for any verb, outcome or feeling', async () => {
    const commands = [
      ...Object.values(COMMANDS),
      'go south',
      'take the dragon',
      'use nothing',
      'talk to nobody',
      'drop everything',
      'I feel stupid',
      'I feel anxious',
      'I am so tired',
      'I feel happy',
      'climb',
    ];
    for (const command of commands) {
      for (const applied of [true, false]) {
        const input = { ...turnInput(command), applied };
        const { output } = await generate(input);
        const ownWords = output.passage.replace(
          new RegExp(`\\b${input.intent.feeling ?? '$^'}\\b`, 'g'),
          '',
        );
        expect(ownWords).not.toMatch(BANNED);
      }
      const { output } = await generate({ text: command });
      expect(output.passage.replace(/\bstupid\b/, '')).not.toMatch(BANNED);
    }
  });

  test('writes from text alone, without a world', async () => {
    const { output } = await generate({ text: 'rest' });
    expect(output.tone).toBe('calm');
    expect(output.passage).toMatch(/rest|breath|eyes/);
  });

  test('reports progress at 50 and 100', async () => {
    const { ctx } = await generate({ text: 'look' });
    expect(ctx.progressCalls).toEqual([50, 100]);
  });

  test('stops at once when aborted', async () => {
    const ctx = createTaskContext();
    ctx.controller.abort(new Error('cancelled'));
    await expect(
      agent.handler(agentTask('narrative.generate', { text: 'look' }), ctx),
    ).rejects.toThrow('cancelled');
    expect(ctx.progressCalls).toEqual([]);
  });

  test('rejects input that does not match the capability schema', async () => {
    const ctx = createTaskContext();
    await expect(agent.handler(agentTask('narrative.generate', {}), ctx)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      agent.handler(agentTask('narrative.generate', { text: 'look', mood: 'x' }), ctx),
    ).rejects.toThrow('invalid input: unknown field(s): mood');
  });
});
