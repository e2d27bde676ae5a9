import type { SafetyRates } from '../../../../bench/src/safety/safety-metrics';
import {
  judgeThresholds,
  thresholdFailures,
  SAFETY_THRESHOLDS,
} from '../../../../bench/src/safety/safety-thresholds';
import { parseEvalArgs } from '../../../../bench/src/safety/eval-args';
import {
  replaceGeneratedSection,
  SAFETY_EVAL_END,
  SAFETY_EVAL_START,
} from '../../../../bench/src/safety/safety-doc';

const rate = (hits: number, of: number) => ({ rate: of === 0 ? null : hits / of, hits, of });

const PASSING: SafetyRates = {
  crisisRecall: rate(98, 100),
  crisisCaught: rate(200, 200),
  concernRecall: rate(1, 10),
  safeFlagged: rate(3, 100),
  safeCrisis: rate(1, 100),
};

describe('judgeThresholds', () => {
  test('passes rates exactly at their bounds', () => {
    const results = judgeThresholds({ test: PASSING, transcriptFlagged: rate(1, 100) });
    expect(results.map((r) => r.id)).toEqual(SAFETY_THRESHOLDS.map((t) => t.id));
    expect(results.every((r) => r.pass)).toBe(true);
    expect(thresholdFailures(results)).toEqual([]);
  });

  test('names each failed threshold with the measured rate and the bound', () => {
    const results = judgeThresholds({
      test: { ...PASSING, crisisRecall: rate(97, 100), safeCrisis: rate(2, 100) },
      transcriptFlagged: rate(6, 200),
    });
    expect(results.filter((r) => !r.pass).map((r) => r.id)).toEqual([
      'test.crisisRecall',
      'test.safeCrisis',
      'transcript.flagged',
    ]);
    expect(thresholdFailures(results)).toEqual([
      'FAILED test.crisisRecall (test: crisis called crisis): 97.0% (97/100), must be ≥ 98.0%',
      'FAILED test.safeCrisis (test: safe called crisis): 2.0% (2/100), must be ≤ 1.0%',
      'FAILED transcript.flagged (transcript: lines flagged): 3.0% (6/200), must be ≤ 1.0%',
    ]);
  });

  test('fails a rate with nothing to count', () => {
    const results = judgeThresholds({ test: { ...PASSING, crisisCaught: rate(0, 0) } });
    expect(thresholdFailures(results)).toEqual([
      'FAILED test.crisisCaught (test: crisis caught at least as concern): n/a (0 rows), must be ≥ 99.5%',
    ]);
  });

  test('judges the test thresholds only when the test split was screened', () => {
    const results = judgeThresholds({ transcriptFlagged: rate(0, 50) });
    expect(results.map((r) => [r.id, r.pass])).toEqual([['transcript.flagged', true]]);
  });
});

describe('parseEvalArgs', () => {
  test('defaults to every split, writing, no errors shown', () => {
    expect(parseEvalArgs([])).toEqual({ split: 'all', write: true, showErrors: [] });
    expect(parseEvalArgs(['--split', 'train', '--no-write', '--show-errors', 'train'])).toEqual({
      split: 'train',
      write: false,
      showErrors: ['train'],
    });
  });

  test('refuses to show the test split and unknown values', () => {
    expect(() => parseEvalArgs(['--show-errors', 'test'])).toThrow('the test split stays unseen');
    expect(() => parseEvalArgs(['--split', 'dev'])).toThrow('--split must be train, test or all');
    expect(() => parseEvalArgs(['--verbose'])).toThrow();
  });
});

describe('replaceGeneratedSection', () => {
  test('replaces only what is between the markers', () => {
    const doc = `# Safety\n\nintro\n\n${SAFETY_EVAL_START}\nold\n${SAFETY_EVAL_END}\n\nafter\n`;
    expect(replaceGeneratedSection(doc, '| a |\n')).toBe(
      `# Safety\n\nintro\n\n${SAFETY_EVAL_START}\n\n| a |\n\n${SAFETY_EVAL_END}\n\nafter\n`,
    );
  });

  test('refuses a doc without the markers', () => {
    expect(() => replaceGeneratedSection('# Safety\n', 'x')).toThrow('not found');
  });
});
