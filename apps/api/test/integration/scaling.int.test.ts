import { Autoscaler, createLogger, createMetricsRegistry, type ScalingExecutor } from '@tta/core';
import request from 'supertest';
import winston from 'winston';
import { startApiHarness, type ApiHarness } from './api-harness';

/** Runs nothing: remembers the replicas asked for. */
class RecordingExecutor implements ScalingExecutor {
  readonly calls: Array<[string, number]> = [];
  private readonly replicas: Record<string, number> = { 'narrative-generator': 1 };

  setReplicas(agentType: string, replicas: number): Promise<void> {
    this.calls.push([agentType, replicas]);
    this.replicas[agentType] = replicas;
    return Promise.resolve();
  }

  actual(): Record<string, number> {
    return { ...this.replicas };
  }
}

let h: ApiHarness;
const logger = createLogger({ transports: [new winston.transports.Console({ silent: true })] });

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  await h.close();
});

describe('GET /v1/scaling', () => {
  it('answers empty lists while no autoscaler has run', async () => {
    const res = await request(h.app).get('/v1/scaling').expect(200);
    expect(res.body).toEqual({ agentTypes: [], decisions: [] });
  });

  it('shows what the autoscaler decided, with its inputs', async () => {
    const names = h.services.names;
    const queue = h.queue(names.capability('narrative.generate'));
    await queue.addBulk(Array.from({ length: 40 }, (_, i) => ({ name: 'task', data: { i } })));
    const executor = new RecordingExecutor();
    const metrics = createMetricsRegistry();
    const autoscaler = new Autoscaler({
      connection: h.redis,
      names,
      executor,
      logger,
      metrics,
      agentTypes: { 'narrative-generator': { minReplicas: 1, maxReplicas: 5, concurrency: 2 } },
      queuesOf: () => [names.capability('narrative.generate')],
      maxStepUp: 2,
    });
    let text: string;
    try {
      await autoscaler.tick();
      text = await metrics.metrics();
    } finally {
      await autoscaler.close();
    }
    // (0 + 40 / 10) / (2 · 0.7) ≈ 2.86 → 3, one step of at most 2 from 1.
    expect(executor.calls).toEqual([['narrative-generator', 3]]);
    const res = await request(h.app).get('/v1/scaling').expect(200);
    const decision = {
      type: 'narrative-generator',
      direction: 'up',
      from: 1,
      to: 3,
      desired: 3,
      backlog: 40,
      arrivalRatePerSecond: 0,
    };
    expect(res.body).toMatchObject({
      agentTypes: [
        {
          type: 'narrative-generator',
          min: 1,
          max: 5,
          desired: 3,
          actual: 3,
          lastDecision: decision,
        },
      ],
      decisions: [decision],
    });
    expect(text).toContain('tta_autoscaler_desired_replicas{agent_type="narrative-generator"} 3');
    expect(text).toContain(
      'tta_autoscaler_decisions_total{agent_type="narrative-generator",direction="up"} 1',
    );
    // Stopped, it no longer exports a desired count that a standby would leave stale.
    expect(await metrics.metrics()).not.toContain('tta_autoscaler_desired_replicas{');
  });

  it('needs the agents:read scope', async () => {
    await request(h.rawApp).get('/v1/scaling').expect(401);
  });
});
