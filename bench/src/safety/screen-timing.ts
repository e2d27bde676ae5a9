import { percentile } from '../stats';
import type { EvalScreen, EvalScreenResult } from './screen-adapter';
import type { LatencyMs } from './safety-report';

/** The screen's answers to a list of texts, and how long it took. */
export interface TimedScreening {
  /** One result per text, in order. */
  results: EvalScreenResult[];
  latencyMs: LatencyMs;
}

function roundMs(value: number): number {
  return Number.isNaN(value) ? value : Math.round(value * 1000) / 1000;
}

/**
 * Screens every text twice: a warm-up pass whose results and times are dropped (so that the JIT
 * has compiled the screen), then a timed pass. Latencies are per text, rounded to 1 µs.
 */
export function screenTimed(screen: EvalScreen, texts: readonly string[]): TimedScreening {
  for (const text of texts) screen(text);
  const timesMs: number[] = [];
  const results = texts.map((text) => {
    const started = performance.now();
    const result = screen(text);
    timesMs.push(performance.now() - started);
    return result;
  });
  return {
    results,
    latencyMs: {
      count: timesMs.length,
      p50: roundMs(percentile(timesMs, 50)),
      p99: roundMs(percentile(timesMs, 99)),
      max: roundMs(percentile(timesMs, 100)),
    },
  };
}
