import path from 'node:path';
import { builtInCapabilitySchemas, type SafetyCategory, type SafetyLevel } from '@tta/core';
import { loadSafetyLexicon, screenText } from '@tta/agents';
import { compileSafetyLexicon, type SafetyLexiconFile } from '../../src/safety/safety-lexicon';

const lexicon = loadSafetyLexicon(
  path.resolve(__dirname, '../../../../config/safety-lexicon.json'),
);

const SCREENS: [string, SafetyLevel, SafetyCategory[]][] = [
  ['I want to kill myself', 'crisis', ['suicidal_ideation']],
  ['i dont want to live anymore', 'crisis', ['suicidal_ideation']],
  ["I don't want to live anymore", 'crisis', ['suicidal_ideation']],
  ["I've been cutting myself", 'crisis', ['self_harm']],
  ['Ive been cutting myself again', 'crisis', ['self_harm']],
  ['I wish I was dead.', 'crisis', ['suicidal_ideation']],
  ['everyone would be better off without me', 'crisis', ['suicidal_ideation']],
  ['I have nothing to live for', 'crisis', ['suicidal_ideation']],
  ['I want to end my life', 'crisis', ['suicidal_ideation']],
  ['I KEEP THINKING ABOUT SUICIDE', 'crisis', ['suicidal_ideation']],
  ["I haven't eaten in days", 'crisis', ['eating_disorder']],
  ['I make myself throw up after meals', 'crisis', ['eating_disorder']],
  ["I'm having a panic attack", 'crisis', ['panic_attack']],
  ["I can't do this anymore", 'crisis', ['severe_depression']],
  ['my husband is going to kill me', 'crisis', ['domestic_violence']],
  ["I'm not safe at home", 'crisis', ['domestic_violence']],
  ["I've been drinking every night to cope", 'concern', ['substance_abuse']],
  ['I drink to forget', 'concern', ['substance_abuse']],
  ["I'm not suicidal", 'concern', ['suicidal_ideation']],
  ['I would never kill myself', 'concern', ['suicidal_ideation']],
  ["I don't want to die", 'concern', ['suicidal_ideation']],
  ['I feel so hopeless', 'concern', ['severe_depression']],
  ['I feel worthless and empty', 'concern', ['severe_depression']],
  ['my heart is racing and I cannot catch my breath', 'concern', ['panic_attack']],
  ['I keep skipping meals', 'concern', ['eating_disorder']],
  ['my partner hits me', 'concern', ['domestic_violence']],
  ["I want to die in the dragon's fire", 'concern', ['suicidal_ideation']],
  ['I kill the dragon', 'safe', []],
  ['attack the goblin with my sword', 'safe', []],
  ['the bandit wants to kill me', 'safe', []],
  ['the troll threatens to kill me', 'safe', []],
  ['I slay the monster and take its treasure', 'safe', []],
  ['I drink the potion', 'safe', []],
  ['I cut the rope with my dagger', 'safe', []],
  ['go north', 'safe', []],
  ['I feel sad today', 'safe', []],
  ['I am not drinking every night anymore', 'safe', []],
  ['I attack the goblin. I want to die', 'crisis', ['suicidal_ideation']],
  ['the orc laughs and I want to kill myself', 'crisis', ['suicidal_ideation']],
  [
    "I've been cutting myself and I'm drinking every night",
    'crisis',
    ['self_harm', 'substance_abuse'],
  ],
];

describe('screenText', () => {
  test.each(SCREENS)('%j is %s', (text, level, categories) => {
    const screen = screenText(text, lexicon);
    expect({ level: screen.level, categories: screen.categories }).toEqual({ level, categories });
  });

  test('reports each phrase found with its category and level', () => {
    expect(screenText("I'm not suicidal but I want to kill myself", lexicon).matches).toEqual([
      { category: 'suicidal_ideation', phrase: 'suicidal', level: 'concern' },
      { category: 'suicidal_ideation', phrase: 'kill myself', level: 'crisis' },
    ]);
  });

  test('gives output that matches the safety.screen output schema', () => {
    const schema = builtInCapabilitySchemas['safety.screen'].output;
    for (const [text] of SCREENS)
      expect(schema.safeParse(screenText(text, lexicon)).success).toBe(true);
  });
});

describe('screenText rules', () => {
  const file: SafetyLexiconFile = {
    version: 1,
    categories: {
      suicidal_ideation: { crisis: ['want to die'], concern: ['tired of life'] },
      self_harm: { crisis: [], concern: [] },
      substance_abuse: { crisis: [], concern: ['drink and drive'] },
      domestic_violence: { crisis: [], concern: [] },
      eating_disorder: { crisis: [], concern: [] },
      panic_attack: { crisis: [], concern: ['panic attack'] },
      severe_depression: { crisis: [], concern: [] },
    },
    gameContexts: ['attack', 'dragon'],
    negations: ['not', 'never'],
  };
  const small = compileSafetyLexicon(file);
  const levelOf = (text: string) => screenText(text, small).level;

  test('matches whole words only', () => {
    expect(levelOf('I want to dies')).toBe('safe');
    expect(levelOf('I want to die')).toBe('crisis');
  });

  test('a negation lowers a phrase only within three words before it, in the same clause', () => {
    expect(levelOf('I do not want to die')).toBe('concern');
    expect(levelOf('not that I really want to die')).toBe('crisis');
    expect(levelOf('I am not sure, I want to die')).toBe('crisis');
    expect(levelOf('I am never tired of life')).toBe('safe');
  });

  test('a game context lowers phrases of its clause, but not one inside the phrase itself', () => {
    expect(levelOf('the dragon says I want to die')).toBe('concern');
    expect(levelOf('the dragon roars and I want to die')).toBe('crisis');
    expect(levelOf('I am having a panic attack')).toBe('concern');
    expect(levelOf('a panic attack on the dragon')).toBe('safe');
  });

  test('a phrase may span a conjunction but not a sentence', () => {
    expect(levelOf('I drink and drive')).toBe('concern');
    expect(levelOf('I drink. And drive')).toBe('safe');
  });
});
