import {
  decideConcurrency,
  resolveConcurrencyTuningOptions,
  type TuningLimits,
  type TuningSample,
} from '@tta/agent-sdk';

const limits: TuningLimits = {
  minConcurrency: 2,
  maxConcurrency: 40,
  maxEventLoopDelayMs: 100,
  maxEventLoopUtilization: 0.9,
  latencyTolerance: 1.5,
  saturation: 0.9,
};

function sample(overrides: Partial<TuningSample> = {}): TuningSample {
  return {
    concurrency: 10,
    eventLoopDelayP99Ms: 12,
    eventLoopUtilization: 0.3,
    finished: 20,
    meanRunMs: 200,
    utilization: 1,
    ...overrides,
  };
}

describe('decideConcurrency', () => {
  it('decreases when the event loop is busy nearly all the time (CPU-bound), even with no delay seen', () => {
    const busy = sample({ eventLoopDelayP99Ms: 0, eventLoopUtilization: 0.97 });
    expect(decideConcurrency(busy, 200, limits)).toEqual({ concurrency: 7, reason: 'overloaded' });
  });

  it('decreases by 30% when the event loop is delayed, even when saturated', () => {
    expect(decideConcurrency(sample({ eventLoopDelayP99Ms: 150 }), 200, limits)).toEqual({
      concurrency: 7,
      reason: 'overloaded',
    });
  });

  it('decreases by at least 1 and never below the minimum', () => {
    expect(
      decideConcurrency(sample({ concurrency: 3, eventLoopDelayP99Ms: 150 }), 200, limits),
    ).toEqual({ concurrency: 2, reason: 'overloaded' });
    expect(
      decideConcurrency(sample({ concurrency: 2, eventLoopDelayP99Ms: 500 }), 200, limits)
        .concurrency,
    ).toBe(2);
  });

  it('increases by 10% (at least 1) when saturated and the run time holds', () => {
    expect(decideConcurrency(sample({ concurrency: 30 }), 190, limits)).toEqual({
      concurrency: 33,
      reason: 'saturated',
    });
    expect(decideConcurrency(sample({ concurrency: 4 }), 190, limits).concurrency).toBe(5);
    expect(decideConcurrency(sample(), undefined, limits).concurrency).toBe(11);
  });

  it('never increases above the maximum', () => {
    expect(decideConcurrency(sample({ concurrency: 39 }), 200, limits).concurrency).toBe(40);
    expect(decideConcurrency(sample({ concurrency: 40 }), 200, limits).concurrency).toBe(40);
  });

  it('holds when the run time grew past the tolerance', () => {
    expect(decideConcurrency(sample({ meanRunMs: 301 }), 200, limits)).toEqual({
      concurrency: 10,
      reason: 'hold',
    });
    expect(decideConcurrency(sample({ meanRunMs: 300 }), 200, limits).reason).toBe('saturated');
  });

  it('holds when not saturated or when no task completed', () => {
    expect(decideConcurrency(sample({ utilization: 0.5 }), 200, limits).reason).toBe('hold');
    expect(decideConcurrency(sample({ meanRunMs: undefined }), 200, limits).reason).toBe('hold');
  });

  it('brings a concurrency outside the bounds back inside them', () => {
    expect(decideConcurrency(sample({ concurrency: 64, utilization: 0 }), 200, limits)).toEqual({
      concurrency: 40,
      reason: 'hold',
    });
  });
});

describe('resolveConcurrencyTuningOptions', () => {
  it('fills defaults from the starting concurrency', () => {
    expect(resolveConcurrencyTuningOptions({ enabled: true }, 8)).toEqual({
      minConcurrency: 1,
      maxConcurrency: 32,
      intervalMs: 1000,
      maxEventLoopDelayMs: 100,
      maxEventLoopUtilization: 0.9,
      latencyTolerance: 1.5,
    });
  });

  it('refuses bounds that cross and a tolerance below 1', () => {
    expect(() =>
      resolveConcurrencyTuningOptions({ minConcurrency: 9, maxConcurrency: 4 }, 4),
    ).toThrow(/minConcurrency must not exceed maxConcurrency/);
    expect(() => resolveConcurrencyTuningOptions({ latencyTolerance: 0.5 }, 4)).toThrow(
      /latencyTolerance/,
    );
    expect(() => resolveConcurrencyTuningOptions({ maxEventLoopUtilization: 1.5 }, 4)).toThrow(
      /maxEventLoopUtilization/,
    );
  });
});
