import {
  decideReplicas,
  type ScalingPolicyOptions,
  type ScalingSignals,
  type ScalingState,
} from '../../src/scaling/scaling-policy';

const options: ScalingPolicyOptions = {
  minReplicas: 1,
  maxReplicas: 10,
  concurrency: 4,
  targetUtilization: 0.5,
  drainSeconds: 10,
  maxStepUp: 2,
  scaleDownAfterMs: 30_000,
  hysteresis: 0.2,
};

// One replica serves 4 × 0.5 = 2 jobs in flight at the target utilization.
const load = (inFlight: number, backlog = 0): ScalingSignals => ({
  arrivalRatePerSecond: inFlight,
  meanRunSeconds: 1,
  backlog,
});

describe('decideReplicas', () => {
  it('computes Little’s law plus the backlog over the useful capacity of a replica', () => {
    const d = decideReplicas(load(3, 50), { current: 5 }, options, 0);
    // (3·1 + 50/10) / (4 · 0.5) = 4
    expect(d.raw).toBe(4);
    expect(d.desired).toBe(4);
  });

  it('scales up at once but by at most maxStepUp per decision', () => {
    const first = decideReplicas(load(0, 1000), { current: 1 }, options, 0);
    expect(first).toMatchObject({ desired: 10, next: 3, direction: 'up' });
    const second = decideReplicas(load(0, 1000), first.state, options, 1000);
    expect(second).toMatchObject({ next: 5, direction: 'up' });
  });

  it('never goes above max nor below min', () => {
    let state: ScalingState = { current: 9 };
    for (let t = 0; t < 10; t += 1)
      state = decideReplicas(load(500), state, options, t * 1000).state;
    expect(state.current).toBe(10);
    state = { current: 3 };
    for (let t = 0; t < 200; t += 1)
      state = decideReplicas(load(0), state, options, t * 60_000).state;
    expect(state.current).toBe(1);
    expect(decideReplicas(load(0), { current: 0 }, options, 0)).toMatchObject({
      next: 1,
      direction: 'up',
    });
    expect(decideReplicas(load(0), { current: 12 }, options, 0)).toMatchObject({
      next: 10,
      direction: 'down',
    });
  });

  it('holds within the hysteresis band', () => {
    // raw = 3.5 / 2 = 1.75 → ceil 2 fits 3 replicas, but ceil(1.75 × 1.2 = 2.1) = 3 does not go below 3.
    const d = decideReplicas(load(3.5), { current: 3, lowSinceMs: 0 }, options, 3_600_000);
    expect(d).toMatchObject({ desired: 2, next: 3, direction: 'hold' });
    expect(d.state.lowSinceMs).toBeUndefined();
  });

  it('scales down one replica only after the quiet period, then waits again', () => {
    let d = decideReplicas(load(0), { current: 4 }, options, 0);
    expect(d).toMatchObject({ next: 4, direction: 'hold' });
    d = decideReplicas(load(0), d.state, options, 29_999);
    expect(d.direction).toBe('hold');
    d = decideReplicas(load(0), d.state, options, 30_000);
    expect(d).toMatchObject({ next: 3, direction: 'down' });
    d = decideReplicas(load(0), d.state, options, 31_000);
    expect(d).toMatchObject({ next: 3, direction: 'hold' });
    d = decideReplicas(load(0), d.state, options, 60_000);
    expect(d).toMatchObject({ next: 2, direction: 'down' });
  });

  it('restarts the quiet period when the load comes back', () => {
    let d = decideReplicas(load(0), { current: 4 }, options, 0);
    d = decideReplicas(load(8), d.state, options, 20_000);
    expect(d.state.lowSinceMs).toBeUndefined();
    d = decideReplicas(load(0), d.state, options, 40_000);
    expect(d.direction).toBe('hold');
  });

  it('does not flap under a steady, noisy load', () => {
    let state: ScalingState = { current: 1 };
    const changes: string[] = [];
    for (let t = 0; t < 600; t += 1) {
      // Around 7 jobs in flight (raw ≈ 3.5), ±10 %.
      const noise = 1 + 0.1 * Math.sin(t * 1.7);
      const d = decideReplicas(load(7 * noise), state, options, t * 1000);
      if (d.direction !== 'hold') changes.push(`${t}:${d.direction}:${d.next}`);
      state = d.state;
    }
    expect(changes).toEqual(['0:up:3', '1:up:4']);
  });
});
