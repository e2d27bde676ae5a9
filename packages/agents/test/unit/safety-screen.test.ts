import path from 'node:path';
import { type SafetyLevel } from '@tta/contracts';
import { builtInCapabilitySchemas } from '@tta/contracts';
import {
  CORROBORATED_RULES,
  CORROBORATION_THRESHOLD,
  corroborateSignals,
  RiskClassifier,
  SafetyScreen,
  SHORT_TEXT_WORDS,
  loadSafetyLexicon,
} from '@tta/agents';

const lexicon = loadSafetyLexicon(
  path.resolve(__dirname, '../../../../config/safety-lexicon.json'),
);
const screen = new SafetyScreen({ lexicon });
const rulesOnly = new SafetyScreen({ lexicon, classifier: null });

// The examples of issue 12: what the old phrase list missed or raised wrongly.
const CASES: [string, SafetyLevel][] = [
  ["there's no point in me being here anymore", 'crisis'],
  ["swallowed a handful of my mum's pills before I logged on", 'crisis'],
  ["my ex is outside and says he'll hurt me if I don't open the door", 'crisis'],
  ['the belt is already hanging in the closet for later', 'crisis'],
  ['this is my last week, then nobody has to deal with me', 'crisis'],
  ['my hands are numb and everything is going dark after those pills', 'crisis'],
  ["I don't honestly want to live", 'crisis'],
  ['i cant not think about wanting to die', 'crisis'],
  ['never mind the quest i just want to die', 'crisis'],
  ['i wanna k m s', 'crisis'],
  ['su1c1d3', 'crisis'],
  ['i want to diiiie', 'crisis'],
  ['ive been thinking about suicidl stuff', 'crisis'],
  ['she was hanging herself in the closet, the person typing this', 'crisis'],
  ['go north. honestly i dont want to be alive anymore', 'crisis'],
  ["I'm not suicidal", 'concern'],
  ['i feel so alone lately', 'concern'],
  // Hopelessness and wishing to be gone, said without a textbook phrase: at least a check-in.
  ['I want to disappear', 'concern'],
  ['nothing matters anymore', 'concern'],
  ["i don't see the point anymore", 'concern'],
  ["i've lost all hope", 'concern'],
  ['there is no future for me', 'concern'],
  ['I disappear into the shadows', 'safe'],
  ['i have lost all my gold', 'safe'],
  ['I want to die so I can respawn at the shrine', 'safe'],
  ["ask the widow how her husband's suicide changed the village", 'safe'],
  ['the letter reads: "I want to die"', 'safe'],
  ['this puzzle is killing me', 'safe'],
  ['kill the goblin with my sword', 'safe'],
  ['I jump off the hilltop with the red kite', 'safe'],
  ['the troll wants to kill me', 'safe'],
  ['go north', 'safe'],
];

describe('SafetyScreen', () => {
  test.each(CASES)('%j is %s', (text, level) => {
    expect(screen.screen(text).level).toBe(level);
  });

  test('answers the safety.screen output schema, with the C-SSRS level and layers', () => {
    const result = screen.screen('i took all my sleeping pills an hour ago');
    expect(builtInCapabilitySchemas['safety.screen'].output.parse(result)).toEqual(result);
    expect(result).toMatchObject({ level: 'crisis', cssrs: 'attempt' });
    expect(result.layers).toContain('patterns');
    expect(result.version).toBe(screen.version);
    expect(result.score).toBeGreaterThan(0.5);
  });

  test('reports the risk markers the player said of themselves, for the session', () => {
    expect(screen.screen('i keep a bottle of pills in my drawer').markers).toContain('means');
    expect(screen.screen('i swallowed 20 pills').markers).toContain('ingestion');
    expect(screen.screen('see you all tonight').markers).toEqual(['time']);
    expect(screen.screen('goodbye everyone, thanks for everything').markers).toContain('farewell');
    expect(screen.screen('i have lost all my gold').markers).toEqual([]);
    expect(screen.screen('take the rope and climb down').markers).toEqual([]);
    expect(screen.screen('the knight keeps a dagger in his boot').markers).not.toContain('means');
  });

  test('never carries the player words in its result', () => {
    const text = 'I want to end my life tonight zqxv-marker';
    expect(JSON.stringify(screen.screen(text))).not.toMatch(/zqxv|end my life|tonight/);
  });

  test('an explicit denial lowers its own signal only', () => {
    expect(rulesOnly.screen("I'm not suicidal").layers).toContain('denial');
    expect(rulesOnly.screen("I'm not suicidal but I want to kill myself").level).toBe('crisis');
  });

  test('a real-world marker cancels the fiction frame', () => {
    expect(screen.screen('my character wants to die').level).toBe('safe');
    expect(screen.screen('my character wants to die, and irl so do i').level).toBe('crisis');
  });

  test('game words never frame a means of the real world or the player named in the third person', () => {
    // The rules alone: the frame must leave these to the patterns, whatever the classifier says.
    expect(
      rulesOnly.screen("save game. probably the last save, i've got the pills ready for tonight")
        .level,
    ).toBe('crisis');
    expect(
      rulesOnly.screen('The human behind this character burned herself on purpose an hour ago.')
        .layers,
    ).not.toContain('fiction');
    // A death play undoes stays play, even said of "the player".
    expect(screen.screen('the player jumps off the tower to respawn at the shrine').level).toBe(
      'safe',
    );
  });

  test('another person armed against the player is a crisis; a character armed is not', () => {
    expect(
      rulesOnly.screen("she's going to find me, and this time she says she's bringing a knife")
        .level,
    ).toBe('crisis');
    expect(rulesOnly.screen('the troll has a knife and wants to get me').level).toBe('safe');
    // Getting into a place is a break-in; getting into a school or a team is not.
    expect(rulesOnly.screen('my ex got into the flat last night and is still here').level).toBe(
      'crisis',
    );
    expect(rulesOnly.screen('my daughter got into the swimming squad today').level).toBe('safe');
  });

  test('a symptom needs a substance to be a substance emergency, and minutes are not pills', () => {
    // The rules alone: ordinary care and waiting explain these, whatever the classifier says.
    for (const text of [
      'had my flu jab this morning and felt a bit faint, the nurse brought me a water bottle',
      'we had to wait 40 mins in the rain, still shaking from the cold now',
      'period cramps today, hot water bottle and a film, sorted',
    ]) {
      expect(rulesOnly.screen(text).level).toBe('safe');
    }
    for (const text of [
      'drank the whole bottle. now the room is spinning',
      'took 30 of my tablets, feeling dizzy',
      'had 20 of the pills an hour ago',
    ]) {
      expect(rulesOnly.screen(text).level).toBe('crisis');
    }
  });

  test('a feeling that is over or ordinary is no check-in; one that goes on still is', () => {
    expect(rulesOnly.screen('i was so stressed this week but it went fine').level).toBe('safe');
    expect(rulesOnly.screen('nervous about the interview but mostly excited').level).toBe('safe');
    expect(rulesOnly.screen('i was so lonely years ago and still am, every night').level).toBe(
      'concern',
    );
    expect(rulesOnly.screen('i feel so alone lately').level).toBe('concern');
  });

  test('reads the same text the same way every time', () => {
    const text = 'tonite im takin all my sleepign pills';
    expect(screen.screen(text)).toEqual(screen.screen(text));
  });

  test('stays linear on 1 MB hostile inputs', () => {
    const size = 1 << 20;
    const hostile = [
      'a'.repeat(size),
      '"'.repeat(size),
      'sad. '.repeat(size / 5),
      'hit cut sad pills tonight me my '.repeat(size / 32),
    ];
    for (const text of hostile) {
      const started = performance.now();
      screen.screen(text);
      // Linear work on 1 MB takes about a second here; a quadratic pass would take hours.
      expect(performance.now() - started).toBeLessThan(15_000);
    }
  });
});

describe('SafetyScreen: rules that need the classifier to corroborate them', () => {
  // Two stand-in models: one that finds nothing plausible, one that finds everything a crisis.
  const model = (bias: number) =>
    RiskClassifier.fromModel({
      version: 1,
      id: bias < 0 ? '000000000000' : 'ffffffffffff',
      buckets: 16,
      createdFrom: { trainRows: 0 },
      thresholds: { crisis: 0.99, flag: 0.99 },
      crisis: { bias, weights: [] },
      flag: { bias, weights: [] },
    });
  const doubting = new SafetyScreen({ lexicon, classifier: model(-10) });
  const agreeing = new SafetyScreen({ lexicon, classifier: model(10) });
  const rulesAlone = new SafetyScreen({ lexicon, classifier: null });
  const taken = 'I swallowed all my pills an hour ago';

  it('lowers a crisis of such a rule to a concern, never to safe, when the classifier doubts it', () => {
    expect(rulesAlone.screen(taken).level).toBe('crisis');
    expect(agreeing.screen(taken).level).toBe('crisis');
    const doubted = doubting.screen(taken);
    expect(doubted.level).toBe('concern');
    expect(doubted.layers).toContain('patterns');
  });

  it('keeps an explicit first-person statement a crisis whatever the classifier says', () => {
    for (const text of ['i want to kill myself', 'i am going to end my life tonight']) {
      expect(doubting.screen(text).level).toBe('crisis');
    }
  });

  it('corroborateSignals lowers only the listed rules below the threshold', () => {
    const signal = (rule: string) =>
      ({ level: 'crisis', category: 'suicidal_ideation', rule, start: 0, end: 1 }) as const;
    const signals = [signal('means-attempt'), signal('self-killing')];
    expect(corroborateSignals(signals, 0.1).map((s) => s.level)).toEqual(['concern', 'crisis']);
    expect(corroborateSignals(signals, CORROBORATION_THRESHOLD).map((s) => s.level)).toEqual([
      'crisis',
      'crisis',
    ]);
    expect(corroborateSignals(signals, undefined)).toEqual(signals);
    expect(CORROBORATED_RULES.has('self-killing')).toBe(false);
  });
});

describe('SafetyScreen: short texts', () => {
  // A stand-in model that scores every text 0.8 on both heads.
  const classifier = RiskClassifier.fromModel({
    version: 1,
    id: '0123456789ab',
    buckets: 16,
    createdFrom: { trainRows: 0 },
    thresholds: { crisis: 0.7, flag: 0.5, shortCrisis: 0.9 },
    crisis: { bias: Math.log(4), weights: [] },
    flag: { bias: Math.log(4), weights: [] },
  });
  const screen08 = new SafetyScreen({ lexicon, classifier });

  it('holds a text of fewer than SHORT_TEXT_WORDS words to the short crisis threshold', () => {
    expect(screen08.screen('i feel so sad').level).toBe('concern');
    const long = 'i feel so sad about the weather in the town today';
    expect(long.split(' ').length).toBeGreaterThanOrEqual(SHORT_TEXT_WORDS);
    expect(screen08.screen(long).level).toBe('crisis');
  });
});
