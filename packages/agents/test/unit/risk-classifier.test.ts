import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@tta/core';
import {
  RiskClassifier,
  SafetyScreen,
  defaultModelPath,
  extractFeatures,
  loadSafetyLexicon,
} from '@tta/agents';
import { fnv1a } from '../../src/safety/classifier/classifier-features';

const BUCKETS = 4096;
const bucketOf = (feature: string): number => fnv1a(feature) % BUCKETS;

function validModel(): Record<string, unknown> {
  return {
    version: 1,
    id: '0123456789ab',
    buckets: BUCKETS,
    createdFrom: { trainRows: 3, files: [{ name: 'a.csv', rows: 3 }] },
    thresholds: { crisis: 0.7, flag: 0.4 },
    crisis: { bias: -2, weights: [[bucketOf('w:die'), 6]] },
    flag: {
      bias: -1,
      weights: [
        [bucketOf('w:die'), 4],
        [bucketOf('w:sad'), 3],
      ],
    },
  };
}

function errorOf(model: unknown): ConfigError {
  try {
    RiskClassifier.fromModel(model, 'test-model.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('the model loaded without an error');
}

function withField(path: string[], value: unknown): Record<string, unknown> {
  const model = validModel();
  let at = model;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return model;
}

describe('RiskClassifier', () => {
  test('scores with two logistic regressions over the shared features', () => {
    const classifier = RiskClassifier.fromModel(validModel());
    const features = extractFeatures('i want to die', BUCKETS);
    const value = features.get(bucketOf('w:die')) ?? 0;
    const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
    const score = classifier.score('i want to die');
    expect(score.crisis).toBeCloseTo(sigmoid(-2 + 6 * value), 12);
    expect(score.flag).toBeCloseTo(sigmoid(-1 + 4 * value), 12);
    expect(classifier.score('take the stone')).toEqual({ crisis: sigmoid(-2), flag: sigmoid(-1) });
    expect(classifier.thresholds).toEqual({ crisis: 0.7, flag: 0.4 });
    expect(classifier.id).toBe('0123456789ab');
  });

  test('with Naive Bayes ratios, scales each feature by its ratio and the vector to unit length', () => {
    const model = validModel();
    const die = bucketOf('w:die');
    model.crisis = { bias: -2, weights: [[die, 6]], scale: { other: 0.5, ratios: [[die, 3]] } };
    const classifier = RiskClassifier.fromModel(model);
    const features = extractFeatures('i want to die', BUCKETS);
    // Every feature times its ratio (3 for "die", 0.5 for the rest), then back to unit length.
    let sumOfSquares = 0;
    for (const [bucket, value] of features)
      sumOfSquares += (value * (bucket === die ? 3 : 0.5)) ** 2;
    const scaledDie = ((features.get(die) ?? 0) * 3) / Math.sqrt(sumOfSquares);
    const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
    expect(classifier.score('i want to die').crisis).toBeCloseTo(sigmoid(-2 + 6 * scaledDie), 12);
    // The flag head has no ratios: a plain regression, as before.
    const value = features.get(die) ?? 0;
    expect(classifier.score('i want to die').flag).toBeCloseTo(sigmoid(-1 + 4 * value), 12);
  });

  test.each([
    [['version'], 2, 'version'],
    [['crisis', 'scale'], { other: 0, ratios: [[BUCKETS, 1]] }, 'crisis.scale.ratios.0.0: bucket'],
    [['crisis', 'scale'], { ratios: [] }, 'crisis.scale.other'],
    [['id'], 'not-hex', 'id: must be 12 lowercase hex digits'],
    [['buckets'], 0, 'buckets'],
    [['createdFrom', 'trainRows'], undefined, 'createdFrom.trainRows'],
    [['thresholds', 'crisis'], undefined, 'thresholds.crisis'],
    [['thresholds', 'flag'], 1.5, 'thresholds.flag: must be at most 1'],
    [['crisis', 'bias'], 'high', 'crisis.bias'],
    [['flag', 'weights'], [[1, 'x']], 'flag.weights.0.1'],
    [['flag', 'weights'], [[-1, 0.5]], 'flag.weights.0.0: must not be negative'],
    [['crisis', 'weights'], [[BUCKETS, 0.5]], `crisis.weights.0.0: bucket ${BUCKETS} is not below`],
    [['extra'], true, '(root): unknown field(s): extra'],
  ])('names the field when %j is %j', (field, value, message) => {
    const error = errorOf(withField(field, value));
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain('safety classifier test-model.json: invalid ');
    expect(error.message).toContain(message);
  });

  describe('load', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'tta-classifier-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test('names the file when it cannot be read or is not JSON', () => {
      const missing = path.join(dir, 'missing.json');
      expect(() => RiskClassifier.load(missing)).toThrow(`${missing}: cannot read`);
      const broken = path.join(dir, 'broken.json');
      writeFileSync(broken, '{ "version": 1,');
      expect(() => RiskClassifier.load(broken)).toThrow(`${broken}: not JSON`);
    });

    test('reads a valid file', () => {
      const file = path.join(dir, 'model.json');
      writeFileSync(file, JSON.stringify(validModel()));
      expect(RiskClassifier.load(file).id).toBe('0123456789ab');
    });
  });

  test('loads the committed model from its default path, and it tells crisis from play', () => {
    expect(defaultModelPath()).toBe(path.resolve(__dirname, '../../models/safety-classifier.json'));
    const classifier = RiskClassifier.load();
    expect(classifier.id).toMatch(/^[0-9a-f]{12}$/);
    // The classifier reads what the screen hands it: words and the structure the rules saw.
    const rules = new SafetyScreen({
      lexicon: loadSafetyLexicon(path.resolve(__dirname, '../../../../config/safety-lexicon.json')),
      classifier: null,
    });
    const crisis = classifier.score(rules.classifierText('I wish I was dead.'));
    const play = classifier.score(rules.classifierText('take the stone'));
    expect(crisis.crisis).toBeGreaterThan(play.crisis);
    expect(crisis.flag).toBeGreaterThan(play.flag);
    expect(play.crisis).toBeLessThan(classifier.thresholds.crisis);
    expect(play.flag).toBeLessThan(classifier.thresholds.flag);
  });
});
