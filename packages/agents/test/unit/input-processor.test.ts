import path from 'node:path';
import { UnknownCapabilityError, ValidationError } from '@tta/core';
import { builtInCapabilitySchemas } from '@tta/contracts';
import { createInputProcessor, loadSafetyLexicon, SCREEN_RULES_VERSION } from '@tta/agents';
import { agentTask, createTaskContext } from '../task-context';

const lexicon = loadSafetyLexicon(
  path.resolve(__dirname, '../../../../config/safety-lexicon.json'),
);
const agent = createInputProcessor({ lexicon });

describe('input-processor', () => {
  test('is the input-processor agent serving input.parse and safety.screen', () => {
    expect(agent).toMatchObject({
      type: 'input-processor',
      capabilities: ['input.parse', 'safety.screen'],
      concurrency: 32,
    });
    expect(createInputProcessor({ lexicon, concurrency: 4 }).concurrency).toBe(4);
  });

  test('input.parse answers the normalised text and intent', async () => {
    const output = await agent.handler(
      agentTask('input.parse', { text: 'Please talk to the old woman' }),
      createTaskContext(),
    );
    expect(builtInCapabilitySchemas['input.parse'].output.parse(output)).toEqual({
      text: 'Please talk to the old woman',
      normalized: 'talk to the old woman',
      intent: { verb: 'talk', character: 'old woman', confidence: 0.9 },
    });
  });

  test('safety.screen answers the level, categories, C-SSRS level, layers, version and markers', async () => {
    const output = await agent.handler(
      agentTask('safety.screen', { text: "I don't want to live anymore" }),
      createTaskContext(),
    );
    expect(builtInCapabilitySchemas['safety.screen'].output.parse(output)).toEqual({
      level: 'crisis',
      categories: ['suicidal_ideation'],
      cssrs: 'wish_dead',
      score: expect.any(Number) as number,
      layers: expect.arrayContaining(['patterns']) as string[],
      version: expect.stringMatching(
        new RegExp(`^${SCREEN_RULES_VERSION.replaceAll('.', '\\.')}\\+[0-9a-f]{12}$`),
      ) as string,
      markers: ['death'],
    });
    const means = await agent.handler(
      agentTask('safety.screen', { text: 'i keep a bottle of pills in my drawer' }),
      createTaskContext(),
    );
    expect((means as { markers: string[] }).markers).toContain('means');
  });

  test('rejects input that does not match the capability schema, naming the field', async () => {
    const ctx = createTaskContext();
    await expect(agent.handler(agentTask('input.parse', { text: '   ' }), ctx)).rejects.toThrow(
      'invalid input.text: must not be empty',
    );
    await expect(
      agent.handler(agentTask('safety.screen', { words: 'hi' }), ctx),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  test('refuses a capability it does not serve', async () => {
    await expect(
      agent.handler(agentTask('world.read', {}), createTaskContext()),
    ).rejects.toBeInstanceOf(UnknownCapabilityError);
  });

  test('stops at once when aborted', async () => {
    const ctx = createTaskContext();
    ctx.controller.abort(new Error('timed out'));
    await expect(agent.handler(agentTask('input.parse', { text: 'look' }), ctx)).rejects.toThrow(
      'timed out',
    );
  });
});
