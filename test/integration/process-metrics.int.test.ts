import { freePort, type QueueNames, type TaskJobData } from '@tta/core';
import {
  createTestRedis,
  deletePrefix,
  parsePrometheusText,
  spawnNode,
  testRedisUrl,
  uniqueNames,
  waitFor,
  type MetricFamily,
  type TestProcess,
} from '@tta/test-utils';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

// The worker and supervisor processes as deployed: their main.ts wiring, scraped over HTTP.
describe('/metrics of the worker and supervisor processes', () => {
  let redis: Redis;
  let names: QueueNames;
  let queue: Queue;
  const processes: TestProcess[] = [];

  beforeAll(() => {
    redis = createTestRedis();
    names = uniqueNames();
    queue = new Queue(names.capability('safety.screen'), {
      connection: redis,
      prefix: names.prefix,
    });
  });

  afterAll(async () => {
    for (const p of processes) p.signal('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    await queue.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  function start(script: string, args: string[], env: NodeJS.ProcessEnv): TestProcess {
    const p = spawnNode(script, args, {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      ...env,
    });
    processes.push(p);
    return p;
  }

  async function scrape(port: number, p: TestProcess): Promise<Map<string, MetricFamily>> {
    const text = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        return res.ok ? res.text() : undefined;
      },
      { timeoutMs: 15_000, what: `/metrics on port ${port}\n${p.output()}` },
    );
    return parsePrometheusText(text);
  }

  function sampleValue(
    families: Map<string, MetricFamily>,
    name: string,
    labels: Record<string, string>,
  ): number | undefined {
    return families
      .get(name)
      ?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  }

  // An input-processor worker that has screened one text on its own (not in a workflow run).
  let worker: TestProcess;
  let workerPort: number;

  beforeAll(async () => {
    workerPort = await freePort();
    worker = start('apps/worker/dist/main.js', ['--agent', 'input-processor'], {
      TTA_WORKER_DIAGNOSTICS_PORT: String(workerPort),
    });
    const data: TaskJobData = {
      capability: 'safety.screen',
      input: { text: 'I want to end my life' },
      timeoutMs: 5000,
      enqueuedAt: Date.now(),
    };
    const job = await queue.add('safety.screen', data);
    await waitFor(async () => (await job.isCompleted()) || undefined, {
      timeoutMs: 15_000,
      what: `the screen to complete\n${worker.output()}`,
    });
  });

  it('a worker counts its registry events and the safety screens of its tasks', async () => {
    const families = await scrape(workerPort, worker);
    const labels = { service: 'worker', agent_type: 'input-processor' };
    expect(sampleValue(families, 'tta_safety_screens_total', { ...labels, level: 'crisis' })).toBe(
      1,
    );
    expect(sampleValue(families, 'tta_registry_events_total', { ...labels, type: 'joined' })).toBe(
      1,
    );
    expect(
      sampleValue(families, 'tta_tasks_completed_total', {
        ...labels,
        capability: 'safety.screen',
      }),
    ).toBe(1);
  });

  it('the supervisor exports queue depths, agents and its leadership', async () => {
    const port = await freePort();
    const supervisor = start('apps/supervisor/dist/main.js', [], {
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: String(port),
      TTA_SUPERVISOR_LOCAL_EXECUTOR: 'false',
    });
    const families = await waitFor(
      async () => {
        const scraped = await scrape(port, supervisor);
        return sampleValue(scraped, 'tta_supervisor_leader', {}) === 1 ? scraped : undefined;
      },
      { timeoutMs: 15_000, what: `the supervisor to lead\n${supervisor.output()}` },
    );
    const labels = { service: 'supervisor' };
    expect(
      sampleValue(families, 'tta_queue_jobs', {
        ...labels,
        queue: 'cap.safety.screen',
        state: 'completed',
      }),
    ).toBe(1);
    expect(
      sampleValue(families, 'tta_queue_jobs', { ...labels, queue: 'workflow', state: 'waiting' }),
    ).toBe(0);
    expect(
      sampleValue(families, 'tta_agents_live', { ...labels, agent_type: 'input-processor' }),
    ).toBe(1);
  });
});
