import path from 'node:path';
import { createLogger } from '@tta/core';
import { builtInCapabilitySchemas } from '@tta/contracts';
import { LlmGateway, OpenAiCompatibleProvider } from '@tta/agent-sdk';
import {
  createInputProcessor,
  createNarrativeGenerator,
  loadSafetyLexicon,
  parseInput,
} from '@tta/agents';
import {
  chatCompletion,
  startChatCompletionsServer,
  type ChatCompletionsServer,
} from '@tta/test-utils';
import { applyIntent } from '../../src/world/apply-intent';
import { initialWorld } from '../../src/world/world-map';
import { agentTask, createTaskContext } from '../task-context';

const lexicon = loadSafetyLexicon(
  path.resolve(__dirname, '../../../../config/safety-lexicon.json'),
);
const narrator = createNarrativeGenerator();
const inputProcessor = createInputProcessor({ lexicon });
const narrativeOutput = builtInCapabilitySchemas['narrative.generate'].output;
const LLM_PASSAGE =
  'You step onto the cool grass by the lake.\n\nYou could rest a while, or look around.';

function turnInput(command: string) {
  const intent = parseInput(command).intent;
  const { world, changes, applied } = applyIntent(initialWorld(), intent);
  return { text: command, intent, world, changes, applied };
}

// The built-in agents with a real (local) chat-completions provider configured.
describe('built-in agents with an LLM provider', () => {
  let server: ChatCompletionsServer;
  let gateway: LlmGateway;

  beforeEach(async () => {
    server = await startChatCompletionsServer(() =>
      chatCompletion(LLM_PASSAGE, { prompt: 300, completion: 40 }),
    );
    gateway = new LlmGateway({
      provider: new OpenAiCompatibleProvider({
        baseUrl: server.baseUrl,
        model: 'story-model',
        retries: 0,
      }),
      logger: createLogger({ level: 'error' }),
    });
  });

  afterEach(async () => {
    await server.close();
  });

  const context = (type: string) => createTaskContext(type, { llm: gateway });

  it('narrative-generator writes the passage in the LLM words, from the facts and the draft', async () => {
    const input = turnInput('go north');
    const offline = narrativeOutput.parse(
      await narrator.handler(agentTask('narrative.generate', input), createTaskContext()),
    );
    const ctx = context('narrative-generator');
    const output = narrativeOutput.parse(
      await narrator.handler(agentTask('narrative.generate', input), ctx),
    );
    expect(output).toEqual({ passage: LLM_PASSAGE, tone: offline.tone });
    expect(ctx.progressCalls).toEqual([50, 100]);
    const [request] = server.requests;
    const [system, user] = request?.body.messages ?? [];
    expect(system?.role).toBe('system');
    expect(system?.content).toMatch(/supportive/);
    expect(system?.content).toMatch(/Never judge/);
    expect(user?.content).toContain('The player wrote: "go north"');
    expect(user?.content).toContain('What the player wants: move (destination north)');
    expect(user?.content).toContain(offline.passage);
    expect(request?.body).toMatchObject({ model: 'story-model', max_tokens: 320 });
  });

  it('narrative-generator keeps the templates passage when the LLM fails', async () => {
    server.respond(() => ({ status: 500 }));
    const input = turnInput('look around');
    const offline = await narrator.handler(
      agentTask('narrative.generate', input),
      createTaskContext(),
    );
    const output = await narrator.handler(
      agentTask('narrative.generate', input),
      context('narrative-generator'),
    );
    expect(output).toEqual(offline);
    expect(server.requests).toHaveLength(1);
  });

  it('narrative-generator stays rule-based with the offline provider', async () => {
    const input = turnInput('go north');
    const output = narrativeOutput.parse(
      await narrator.handler(agentTask('narrative.generate', input), createTaskContext()),
    );
    expect(output.passage).not.toBe(LLM_PASSAGE);
    expect(output.passage).toMatch(/lake/i);
    expect(server.requests).toHaveLength(0);
  });

  it('input-processor classifies input.parse with the LLM and keeps the rules on a bad answer', async () => {
    server.respond(() =>
      chatCompletion('{"verb":"talk","character":"Mira","confidence":0.85}', {
        prompt: 80,
        completion: 12,
      }),
    );
    const output = await inputProcessor.handler(
      agentTask('input.parse', { text: 'I would love a word with the gardener' }),
      context('input-processor'),
    );
    expect(builtInCapabilitySchemas['input.parse'].output.parse(output)).toEqual({
      text: 'I would love a word with the gardener',
      normalized: parseInput('I would love a word with the gardener').normalized,
      intent: { verb: 'talk', character: 'mira', confidence: 0.85 },
    });
    const [request] = server.requests;
    expect(request?.body.messages?.[0]?.content).toMatch(/one JSON object and nothing else/);
    expect(request?.body.messages?.[1]).toEqual({
      role: 'user',
      content: 'I would love a word with the gardener',
    });
    expect(request?.body.temperature).toBe(0);

    server.respond(() =>
      chatCompletion('The player wants to go north.', { prompt: 80, completion: 8 }),
    );
    const fallback = await inputProcessor.handler(
      agentTask('input.parse', { text: 'go north' }),
      context('input-processor'),
    );
    expect(fallback).toEqual(parseInput('go north'));
  });

  it('input-processor never asks the LLM about safety', async () => {
    const output = await inputProcessor.handler(
      agentTask('safety.screen', { text: "I don't want to live anymore" }),
      context('input-processor'),
    );
    expect(output).toMatchObject({ level: 'crisis' });
    expect(server.requests).toHaveLength(0);
  });
});
