import { SafetyScreen, loadSafetyLexicon } from '@tta/agents';
import { readCorpus } from '../safety/corpus';
import { safetyPaths } from '../safety/safety-paths';
import { below, fmt, info, type Scenario } from '../scenario';
import { summarize } from '../stats';

/** Lengths of the inputs screened, in characters; 2,000 is the target's. */
const LENGTHS = [100, 500, 2000] as const;
const WARM_UP = 300;
const SAMPLES = 2000;
const P99_TARGET_MS = 5;
const HOSTILE_BYTES = 1 << 20;

/** Player-like inputs of `length` characters, cut from the training corpus (never the test split). */
function inputsOf(texts: readonly string[], length: number, count: number): string[] {
  const inputs: string[] = [];
  let cursor = 0;
  for (let n = 0; n < count; n += 1) {
    let input = '';
    while (input.length < length) {
      input += `${texts[cursor % texts.length] ?? ''} `;
      cursor += 1;
    }
    inputs.push(input.slice(0, length));
  }
  return inputs;
}

function timeEach(screen: SafetyScreen, inputs: readonly string[]): number[] {
  return inputs.map((input) => {
    const started = performance.now();
    screen.screen(input);
    return performance.now() - started;
  });
}

/** Milliseconds per MiB on hostile input: one long repetitive text of `HOSTILE_BYTES`. */
function hostileMsPerMiB(screen: SafetyScreen): Record<string, number> {
  const hostile: Record<string, string> = {
    'one letter': 'a'.repeat(HOSTILE_BYTES),
    quotes: '"'.repeat(HOSTILE_BYTES),
    sentences: 'sad. '.repeat(HOSTILE_BYTES / 5),
    'risk words': 'hit cut sad pills tonight me my '.repeat(HOSTILE_BYTES / 32),
  };
  return Object.fromEntries(
    Object.entries(hostile).map(([name, text]) => {
      const started = performance.now();
      screen.screen(text);
      return [name, performance.now() - started];
    }),
  );
}

/**
 * Safety screen: the cost of `safety.screen` in the input processor's own code path, in this
 * process: latency by input length after a warm-up, and time on 1 MiB hostile inputs.
 */
export const safetyScreenScenario: Scenario = {
  id: 'safety-screen',
  title: 'Safety screen: latency by input length',
  run(context) {
    const paths = safetyPaths();
    const screen = new SafetyScreen({ lexicon: loadSafetyLexicon(paths.lexicon) });
    const texts = readCorpus(paths.train).map((row) => row.text);
    timeEach(screen, inputsOf(texts, 500, WARM_UP));
    const latency = Object.fromEntries(
      LENGTHS.map((length) => [
        length,
        summarize(timeEach(screen, inputsOf(texts, length, SAMPLES))),
      ]),
    );
    const hostile = hostileMsPerMiB(screen);
    for (const length of LENGTHS) {
      const s = latency[length];
      context.log(
        `  ${length} chars: p50 ${fmt(s?.p50 ?? NaN, 2)} ms, p99 ${fmt(s?.p99 ?? NaN, 2)} ms`,
      );
    }
    const rows = [
      ...LENGTHS.slice(0, -1).map((length) =>
        info(
          `${length} characters`,
          `p50 ${fmt(latency[length]?.p50 ?? NaN, 2)} ms, p99 ${fmt(latency[length]?.p99 ?? NaN, 2)} ms`,
        ),
      ),
      below('2,000 characters: p99', latency[2000]?.p99 ?? Number.NaN, P99_TARGET_MS, 2, ' ms'),
      ...Object.entries(hostile).map(([name, ms]) =>
        info(`1 MiB hostile input (${name})`, `${fmt(ms, 0)} ms`),
      ),
    ];
    return Promise.resolve({
      data: { version: screen.version, latency, hostileMs: hostile, samples: SAMPLES },
      rows,
      charts: [],
      method: `\`SafetyScreen.screen\` (the rules, the fiction frame and the committed classifier, as the input processor runs it) in the bench process, ${SAMPLES} inputs of each length cut from the training corpus after ${WARM_UP} warm-up screens, each timed alone with \`performance.now()\`; then one screen each of four 1 MiB hostile inputs (linear time: a quadratic pass would take hours).`,
    });
  },
};
