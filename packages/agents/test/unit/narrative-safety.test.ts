import {
  builtInCapabilitySchemas,
  SAFETY_CATEGORIES,
  type NarrativeSafety,
  type SafetyCategory,
} from '@tta/contracts';
import { LlmGateway, type LlmCompletion, type LlmProvider, type LlmRequest } from '@tta/agent-sdk';
import { createNarrativeGenerator, parseInput } from '@tta/agents';
import { applyIntent } from '../../src/world/apply-intent';
import { initialWorld } from '../../src/world/world-map';
import {
  BREAK_SUGGESTIONS,
  CHECK_INS,
  SUPPORTIVE_OPENINGS,
  mostSeriousCategory,
} from '../../src/narrative/safety-openings';
import {
  BREAK_RULE,
  CHECK_IN_RULE,
  NARRATOR_INSTRUCTIONS,
  SUPPORTIVE_RULE,
} from '../../src/narrative/narration-prompt';
import { agentTask, createTaskContext } from '../task-context';

const agent = createNarrativeGenerator();
const outputSchema = builtInCapabilitySchemas['narrative.generate'].output;

/** Most serious first, as the brief orders them. */
const SEVERITY: readonly SafetyCategory[] = [
  'suicidal_ideation',
  'self_harm',
  'eating_disorder',
  'substance_abuse',
  'domestic_violence',
  'panic_attack',
  'severe_depression',
  'distress',
];

/** Words that label, diagnose, judge or pressure, and any digit (no phone numbers in text). */
const NOT_IN_OPENINGS =
  /\b(suicid\w*|self[- ]?harm\w*|disorder\w*|depress\w*|addict\w*|abus\w*|panic\w*|diagnos\w*|symptom\w*|crisis|hotline|stupid|wrong|fail\w*|weak|you must|you should|you need to|hurry up)\b|\d/i;

const LLM_STORY =
  'You walk slowly towards the quiet lake.\n\nYou could sit by the water, or look around.';

/** A provider that answers every call with `answer`, or fails when `answer` is an Error. */
class FakeProvider implements LlmProvider {
  readonly name = 'fake';
  readonly defaultModel = 'story-model';
  readonly calls: LlmRequest[] = [];

  constructor(private readonly answer: string | Error) {}

  async complete(request: LlmRequest): Promise<LlmCompletion> {
    this.calls.push(request);
    if (this.answer instanceof Error) throw this.answer;
    return {
      text: this.answer,
      model: this.defaultModel,
      usage: { inputTokens: 1, outputTokens: 1 },
    };
  }
}

function turnInput(command: string) {
  const intent = parseInput(command).intent;
  const { world, changes, applied } = applyIntent(initialWorld(), intent);
  return { text: command, intent, world, changes, applied };
}

async function generate(input: Record<string, unknown>, provider?: FakeProvider) {
  const llm = provider === undefined ? undefined : new LlmGateway({ provider });
  const ctx = createTaskContext('narrative-generator', { llm });
  return outputSchema.parse(await agent.handler(agentTask('narrative.generate', input), ctx));
}

const concern = (...categories: SafetyCategory[]): NarrativeSafety => ({
  level: 'concern',
  categories,
});

function sentences(text: string): number {
  return text.split(/[.!?](?:\s|$)/).filter((part) => part.trim() !== '').length;
}

describe('narrative-generator safety openings', () => {
  test.each(SAFETY_CATEGORIES)(
    'a concern turn about %s opens with its check-in, then the story as usual',
    async (category) => {
      const input = turnInput('go north');
      const safe = await generate(input);
      const output = await generate({ ...input, safety: concern(category) });
      expect(output.checkIn).toBeDefined();
      const checkIn = output.checkIn ?? '';
      expect(CHECK_INS[category]).toContain(checkIn);
      expect(output.passage).toBe(`${checkIn}\n\n${safe.passage}`);
      expect(safe.passage.startsWith(checkIn)).toBe(false);
      expect(output.tone).toBe(safe.tone);
      expect(output.breakSuggestion).toBeUndefined();
    },
  );

  test('each category has its own check-ins', async () => {
    const input = turnInput('look around');
    const checkIns = await Promise.all(
      SAFETY_CATEGORIES.map(
        async (c) => (await generate({ ...input, safety: concern(c) })).checkIn,
      ),
    );
    expect(new Set(checkIns).size).toBe(SAFETY_CATEGORIES.length);
  });

  test('check-ins, supportive lines and breaks are short, kind, unlabelled and numberless', () => {
    const openings = [...Object.values(CHECK_INS).flat(), ...SUPPORTIVE_OPENINGS];
    for (const category of SAFETY_CATEGORIES) {
      expect(new Set(CHECK_INS[category]).size).toBeGreaterThanOrEqual(2);
    }
    for (const text of openings) {
      expect(sentences(text)).toBeLessThanOrEqual(2);
      expect(text).toMatch(/below/);
    }
    for (const text of [...openings, ...BREAK_SUGGESTIONS])
      expect(text).not.toMatch(NOT_IN_OPENINGS);
  });

  test('picks the same check-in for the same turn and varies it between turns', async () => {
    const commands = ['look around', 'go north', 'rest', 'I feel sad', 'help', 'inventory', 'e'];
    for (const category of ['distress', 'suicidal_ideation'] as const) {
      const checkIns = new Set<string | undefined>();
      for (const command of commands) {
        const input = { ...turnInput(command), safety: concern(category) };
        const first = await generate(input);
        expect((await generate(input)).checkIn).toBe(first.checkIn);
        checkIns.add(first.checkIn);
      }
      expect(checkIns.size).toBeGreaterThan(1);
    }
  });

  test('checks in on the most serious category', async () => {
    SEVERITY.forEach((serious, i) => {
      for (const milder of SEVERITY.slice(i + 1)) {
        expect(mostSeriousCategory([milder, serious])).toBe(serious);
      }
    });
    const output = await generate({
      ...turnInput('rest'),
      safety: concern('distress', 'panic_attack', 'suicidal_ideation', 'substance_abuse'),
    });
    expect(CHECK_INS.suicidal_ideation).toContain(output.checkIn);
  });

  test('checks in on distress when no category is known', async () => {
    expect(mostSeriousCategory(['boredom'])).toBe('distress');
    const output = await generate({ ...turnInput('rest'), safety: concern() });
    expect(CHECK_INS.distress).toContain(output.checkIn);
  });

  test.each(['go north', 'talk to the old woman', 'help', 'I feel calm'])(
    'supportive mode opens "%s" with a supportive line, in a gentle tone',
    async (command) => {
      const input = turnInput(command);
      const safe = await generate(input);
      const safety: NarrativeSafety = { level: 'safe', categories: [], supportive: true };
      const output = await generate({ ...input, safety });
      expect(SUPPORTIVE_OPENINGS).toContain(output.checkIn);
      expect(output.passage).toBe(`${output.checkIn ?? ''}\n\n${safe.passage}`);
      expect(['gentle', 'reassuring']).toContain(output.tone);
    },
  );

  test('supportive mode on a concern turn opens with the check-in only', async () => {
    const input = turnInput('talk to the old woman');
    const safe = await generate(input);
    const output = await generate({
      ...input,
      safety: { ...concern('panic_attack'), supportive: true },
    });
    expect(CHECK_INS.panic_attack).toContain(output.checkIn);
    expect(output.passage).toBe(`${output.checkIn ?? ''}\n\n${safe.passage}`);
    expect(SUPPORTIVE_OPENINGS.some((line) => output.passage.includes(line))).toBe(false);
    expect(['gentle', 'reassuring']).toContain(output.tone);
  });

  test('a crisis that reaches the narrator never gets a plain story', async () => {
    const input = turnInput('look around');
    const safe = await generate(input);
    const output = await generate({
      ...input,
      safety: { level: 'crisis', categories: ['self_harm'] },
    });
    expect(CHECK_INS.self_harm).toContain(output.checkIn);
    expect(output.passage).toBe(`${output.checkIn ?? ''}\n\n${safe.passage}`);
    expect(safe.tone).toBe('calm');
    expect(output.tone).toBe('gentle');
  });

  test('ends with a suggested break when asked, after the check-in and the story', async () => {
    const input = turnInput('go north');
    const safe = await generate(input);
    const safeBreak = await generate({
      ...input,
      safety: { level: 'safe', categories: [], suggestBreak: true },
    });
    expect(BREAK_SUGGESTIONS).toContain(safeBreak.breakSuggestion);
    expect(safeBreak.passage).toBe(`${safe.passage}\n\n${safeBreak.breakSuggestion ?? ''}`);
    expect(safeBreak.checkIn).toBeUndefined();
    expect(safeBreak.tone).toBe(safe.tone);

    const both = await generate({
      ...input,
      safety: { ...concern('distress'), suggestBreak: true },
    });
    const paragraphs = both.passage.split('\n\n');
    expect(paragraphs[0]).toBe(both.checkIn);
    expect(paragraphs[paragraphs.length - 1]).toBe(both.breakSuggestion);
  });

  test('a safe turn with nothing asked is narrated exactly as without safety', async () => {
    for (const command of ['go north', 'I feel sad', 'dance with the moon']) {
      const input = turnInput(command);
      const plain = await generate(input);
      expect(Object.keys(plain).sort()).toEqual(['passage', 'tone']);
      const safety = { level: 'safe', categories: [], supportive: false, suggestBreak: false };
      expect(await generate({ ...input, safety })).toStrictEqual(plain);
      expect(await generate({ ...input, safety: { level: 'safe', categories: [] } })).toStrictEqual(
        plain,
      );
    }
  });
});

describe('narrative-generator safety openings with an LLM', () => {
  test('the check-in opens and the break ends the LLM story, under the safety rules', async () => {
    const input = {
      ...turnInput('go north'),
      safety: { ...concern('self_harm'), suggestBreak: true },
    };
    const offline = await generate(input);
    const provider = new FakeProvider(LLM_STORY);
    const output = await generate(input, provider);
    expect(output).toEqual({
      passage: `${offline.checkIn ?? ''}\n\n${LLM_STORY}\n\n${offline.breakSuggestion ?? ''}`,
      tone: offline.tone,
      checkIn: offline.checkIn,
      breakSuggestion: offline.breakSuggestion,
    });
    const [system, user] = provider.calls[0]?.messages ?? [];
    expect(system?.content).toContain(CHECK_IN_RULE);
    expect(system?.content).toContain(BREAK_RULE);
    expect(system?.content).not.toContain(SUPPORTIVE_RULE);
    expect(user?.content).not.toContain(offline.checkIn);
    for (const message of provider.calls[0]?.messages ?? []) {
      expect(message.content).not.toMatch(/self[-_ ]?harm|concern|categor/i);
    }
  });

  test('supportive mode tells the LLM to be gentle and opens with the supportive line', async () => {
    const safety: NarrativeSafety = { level: 'safe', categories: [], supportive: true };
    const input = { ...turnInput('help'), safety };
    const offline = await generate(input);
    const provider = new FakeProvider(LLM_STORY);
    const output = await generate(input, provider);
    expect(SUPPORTIVE_OPENINGS).toContain(output.checkIn);
    expect(output.passage).toBe(`${offline.checkIn ?? ''}\n\n${LLM_STORY}`);
    expect(output.tone).toBe('gentle');
    const system = provider.calls[0]?.messages[0]?.content;
    expect(system).toContain(SUPPORTIVE_RULE);
    expect(system).not.toContain(CHECK_IN_RULE);
  });

  test('without safety the prompt has no safety rules', async () => {
    const provider = new FakeProvider(LLM_STORY);
    const output = await generate(turnInput('go north'), provider);
    expect(output).toStrictEqual({ passage: LLM_STORY, tone: output.tone });
    expect(provider.calls[0]?.messages[0]?.content).toBe(NARRATOR_INSTRUCTIONS);
  });

  test('when the LLM fails the templates passage stands, check-in and break included', async () => {
    const input = { ...turnInput('rest'), safety: { ...concern('distress'), suggestBreak: true } };
    const offline = await generate(input);
    const provider = new FakeProvider(new Error('provider down'));
    expect(await generate(input, provider)).toStrictEqual(offline);
    expect(provider.calls).toHaveLength(1);
  });
});
