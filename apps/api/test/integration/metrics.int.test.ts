import { readFileSync } from 'node:fs';
import path from 'node:path';
import { QueueNames } from '@tta/core';
import {
  parsePrometheusText,
  readMetricsTable,
  REPO_ROOT,
  waitFor,
  type MetricFamily,
  type MetricsProcess,
  type PrometheusSample,
} from '@tta/test-utils';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';
import {
  CRASHING_AGENT,
  startMetricsSystem,
  TEST_CAPABILITIES,
  type MetricsSystem,
} from './metrics-system';

// Labels every sample of a process carries (its registry's default labels), and the bucket bound.
const PROCESS_LABELS = new Set(['service', 'le']);
const CRISIS_TEXT = 'I want to end my life';

let h: ApiHarness;
let system: MetricsSystem;
let scraped: Record<MetricsProcess, Map<string, MetricFamily>>;
const tasks = {} as Record<
  'stall' | 'parse' | 'screen' | 'read' | 'flaky' | 'doomed' | 'cancelled',
  string
>;
const runs = {} as Record<'turn' | 'crisis', string>;

async function enqueue(capability: string, input: Record<string, unknown>, extra = {}) {
  const res = await request(h.app)
    .post('/v1/tasks')
    .send({ capability, input, ...extra })
    .expect(202);
  return (res.body as { id: string }).id;
}

async function taskStatus(id: string): Promise<string> {
  const res = await request(h.app)
    .get(`/v1/tasks/${encodeURIComponent(id)}`)
    .expect(200);
  return (res.body as { status: string }).status;
}

async function waitForTask(id: string, status: string): Promise<void> {
  await waitFor(async () => (await taskStatus(id)) === status, {
    timeoutMs: 20_000,
    what: `task ${id} to be ${status}`,
  });
}

async function startRun(sessionId: string, text: string): Promise<string> {
  const res = await request(h.app)
    .post('/v1/workflows/player-turn/runs')
    .send({ sessionId, input: { text } })
    .expect(202);
  return (res.body as { id: string }).id;
}

async function waitForRun(id: string): Promise<{ status: string; outcome?: string }> {
  return waitFor(
    async () => {
      const res = await request(h.app).get(`/v1/workflow-runs/${id}`).expect(200);
      const view = res.body as { status: string; outcome?: string };
      return ['completed', 'failed', 'cancelled'].includes(view.status) ? view : undefined;
    },
    { timeoutMs: 20_000, what: `run ${id} to end` },
  );
}

async function counterValue(
  metrics: () => Promise<string>,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const family = parsePrometheusText(await metrics()).get(name);
  return samplesOf(family, name, labels).reduce((sum, s) => sum + s.value, 0);
}

function samplesOf(
  family: MetricFamily | undefined,
  name: string,
  labels: Record<string, string> = {},
): PrometheusSample[] {
  return (family?.samples ?? []).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

function value(process: MetricsProcess, name: string, labels: Record<string, string> = {}) {
  const family = scraped[process].get(name.replace(/_(bucket|sum|count)$/, ''));
  return samplesOf(family ?? scraped[process].get(name), name, labels).reduce(
    (sum, s) => sum + s.value,
    0,
  );
}

/** Sends the traffic of a small, eventful deployment and waits until it has all happened. */
async function runTraffic(): Promise<void> {
  // A job whose worker "dies" holding it: it stalls once the test agent's workers look.
  tasks.stall = await enqueue('test.stall', {});
  await system.abandonJob(new QueueNames(h.config.redis.prefix).capability('test.stall'));
  await system.startAgents();
  tasks.parse = await enqueue('input.parse', { text: 'I open the door' });
  tasks.screen = await enqueue('safety.screen', { text: CRISIS_TEXT });
  // world.read calls the world-builder's world.snapshot tool.
  tasks.read = await enqueue('world.read', {}, { sessionId: 'metrics-s0' });
  tasks.flaky = await enqueue('test.flaky', {});
  tasks.doomed = await enqueue('test.doomed', {});
  tasks.cancelled = await enqueue('narrative.generate', { text: 'later' }, { delayMs: 600_000 });
  await request(h.app).delete(`/v1/tasks/${tasks.cancelled}`).expect(202);
  runs.turn = await startRun('metrics-s1', 'I look around');
  runs.crisis = await startRun('metrics-s2', CRISIS_TEXT);
  await system.registerDeadAgent('ghost-agent');
  await request(h.app).get('/v1/no-such-route').expect(404);
  for (const key of ['stall', 'parse', 'screen', 'read', 'flaky'] as const) {
    await waitForTask(tasks[key], 'completed');
  }
  await waitForTask(tasks.doomed, 'dead');
  expect(await waitForRun(runs.turn)).toMatchObject({ status: 'completed', outcome: 'completed' });
  expect(await waitForRun(runs.crisis)).toMatchObject({ status: 'completed', outcome: 'crisis' });
  // A reviewer acknowledges the crisis event (time to acknowledge).
  const crisisRun = await request(h.app).get(`/v1/workflow-runs/${runs.crisis}`).expect(200);
  const eventId = (crisisRun.body as { result: { safety: { eventId: string } } }).result.safety
    .eventId;
  await request(h.app)
    .post(`/v1/safety/events/${eventId}/ack`)
    .send({ reviewer: 'metrics' })
    .expect(200);
  const supervisor = () => system.supervisorMetrics.metrics();
  await waitFor(
    async () =>
      (await counterValue(supervisor, 'tta_registry_dead_agents_total', {})) > 0 &&
      (await counterValue(supervisor, 'tta_supervisor_worker_restarts_total', {})) > 0,
    { timeoutMs: 15_000, what: 'a dead agent and a worker restart' },
  );
  await system.stopAgent('test-agent');
}

beforeAll(async () => {
  h = await startApiHarness({ overrides: { capabilities: TEST_CAPABILITIES } });
  system = await startMetricsSystem({ config: h.config, names: h.services.names });
  await runTraffic();
  const api = await request(h.app).get('/metrics').expect(200);
  expect(api.headers['content-type']).toMatch(/^text\/plain/);
  scraped = {
    api: parsePrometheusText(api.text),
    worker: parsePrometheusText(await system.workerMetrics.metrics()),
    supervisor: parsePrometheusText(await system.supervisorMetrics.metrics()),
  };
}, 90_000);

afterAll(async () => {
  await system?.close();
  await h?.close();
});

const table = readMetricsTable(readFileSync(path.join(REPO_ROOT, 'docs/METRICS.md'), 'utf8'));

describe('every metric of the docs/METRICS.md table, after real traffic', () => {
  it.each(table.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const labelled: string[] = [];
    for (const process of row.processes) {
      const family = scraped[process].get(row.name);
      expect({ process, type: family?.type }).toEqual({ process, type: row.type });
      const series = row.type === 'histogram' ? `${row.name}_bucket` : row.name;
      for (const sample of samplesOf(family, series)) {
        expect(sample.labels.service).toBe(process);
        const names = Object.keys(sample.labels).filter((l) => !PROCESS_LABELS.has(l));
        expect(names.sort()).toEqual([...row.labels].sort());
        labelled.push(process);
      }
    }
    // At least one of its processes has a sample, so its labels were checked.
    expect(labelled.length).toBeGreaterThan(0);
  });

  it('includes Node process metrics in every process', () => {
    for (const process of ['api', 'worker', 'supervisor'] as const) {
      expect(scraped[process].get('tta_process_cpu_user_seconds_total')?.type).toBe('counter');
    }
  });
});

describe('what the metrics say about the traffic', () => {
  it('labels HTTP requests with route patterns, never raw paths', () => {
    const family = scraped.api.get('tta_http_request_duration_seconds');
    const routes = new Set(
      samplesOf(family, 'tta_http_request_duration_seconds_count').map((s) => s.labels.route),
    );
    expect([...routes]).toEqual(
      expect.arrayContaining(['/v1/tasks', '/v1/tasks/:id', 'unmatched']),
    );
    expect([...routes].filter((r) => r?.includes('~'))).toEqual([]);
    expect(
      value('api', 'tta_http_request_duration_seconds_count', {
        route: 'unmatched',
        status: '404',
      }),
    ).toBe(1);
    expect(
      value('api', 'tta_http_request_duration_seconds_count', {
        method: 'DELETE',
        route: '/v1/tasks/:id',
        status: '202',
      }),
    ).toBe(1);
  });

  it('shows queue depths and live agents from Redis', () => {
    // The task sent on its own and the parse steps of the two runs.
    expect(value('api', 'tta_queue_jobs', { queue: 'cap.input.parse', state: 'completed' })).toBe(
      3,
    );
    expect(value('api', 'tta_queue_jobs', { queue: 'cap.test.doomed', state: 'failed' })).toBe(0);
    expect(
      scraped.api.get('tta_queue_jobs')?.samples.some((s) => s.labels.queue === 'dead-letter'),
    ).toBe(true);
    expect(
      scraped.api.get('tta_queue_jobs')?.samples.some((s) => s.labels.queue === 'workflow'),
    ).toBe(true);
    for (const process of ['api', 'supervisor'] as const) {
      expect(value(process, 'tta_agents_live', { agent_type: 'input-processor' })).toBe(1);
      expect(value(process, 'tta_agent_capacity', { agent_type: 'input-processor' })).toBe(32);
      expect(value(process, 'tta_agents_live', { agent_type: 'test-agent' })).toBe(0);
    }
  });

  it('counts retries, stalls, cancellations and dead letters where they happen', () => {
    expect(
      value('worker', 'tta_tasks_retried_total', {
        capability: 'test.flaky',
        agent_type: 'test-agent',
      }),
    ).toBe(1);
    expect(value('worker', 'tta_tasks_retried_total', { capability: 'test.doomed' })).toBe(1);
    expect(value('worker', 'tta_tasks_failed_total', { capability: 'test.doomed' })).toBe(2);
    expect(value('worker', 'tta_tasks_stalled_total', { queue: 'cap.test.stall' })).toBe(1);
    expect(value('api', 'tta_tasks_cancelled_total', { capability: 'narrative.generate' })).toBe(1);
    expect(
      value('supervisor', 'tta_tasks_dead_lettered_total', { capability: 'test.doomed' }),
    ).toBe(1);
  });

  it('counts registry events in the process that writes them', () => {
    expect(value('worker', 'tta_registry_events_total', { type: 'joined' })).toBe(4);
    expect(value('worker', 'tta_registry_events_total', { type: 'left' })).toBe(1);
    expect(
      value('supervisor', 'tta_registry_events_total', { type: 'dead' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value('supervisor', 'tta_registry_dead_agents_total', { agent_type: 'ghost-agent' }),
    ).toBe(1);
    expect(
      value('supervisor', 'tta_supervisor_worker_restarts_total', { agent_type: CRASHING_AGENT }),
    ).toBeGreaterThanOrEqual(1);
    expect(value('supervisor', 'tta_supervisor_leader')).toBe(1);
  });

  it('counts each safety screen once: plain tasks in the worker, workflow ones in the supervisor', () => {
    expect(value('worker', 'tta_safety_screens_total', { level: 'crisis' })).toBe(1);
    expect(value('worker', 'tta_safety_screens_total')).toBe(1);
    expect(value('supervisor', 'tta_safety_screens_total', { level: 'crisis' })).toBe(1);
    expect(value('supervisor', 'tta_safety_screens_total')).toBe(2);
    expect(value('supervisor', 'tta_safety_crisis_total')).toBe(1);
  });

  it('times workflow steps and counts runs by outcome', () => {
    expect(
      value('supervisor', 'tta_workflow_runs_total', {
        workflow: 'player-turn',
        outcome: 'completed',
      }),
    ).toBe(1);
    expect(
      value('supervisor', 'tta_workflow_runs_total', {
        workflow: 'player-turn',
        outcome: 'crisis',
      }),
    ).toBe(1);
    const step = (name: string) =>
      value('supervisor', 'tta_workflow_step_seconds_count', {
        workflow: 'player-turn',
        step: name,
        status: 'completed',
      });
    expect([step('safety'), step('parse'), step('world'), step('narrate')]).toEqual([2, 2, 1, 1]);
  });
});

describe('GET /v1/diagnostics', () => {
  it('shows agents, events, queues, the leader and the config without secrets', async () => {
    const res = await request(h.app).get('/v1/diagnostics').expect(200);
    const body = res.body as {
      registry: { agents: Array<{ type: string }>; events: Array<{ type: string }> };
      queues: Record<string, Record<string, number>>;
      supervisor: { leader: string | null };
      config: { auth: { keys: Array<{ id: string; hash: string }> }; redis: { prefix: string } };
    };
    expect(body.registry.agents.map((a) => a.type).sort()).toEqual([
      'input-processor',
      'narrative-generator',
      'world-builder',
    ]);
    expect(body.registry.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['joined', 'left', 'dead']),
    );
    expect(body.queues['cap.input.parse']).toMatchObject({ completed: 3, waiting: 0 });
    expect(Object.keys(body.queues)).toEqual(
      expect.arrayContaining(['workflow', 'dead-letter', 'cap.test.flaky']),
    );
    expect(body.supervisor.leader).toBe('supervisor-metrics-test');
    expect(body.config.redis.prefix).toBe(h.config.redis.prefix);
    expect(body.config.auth.keys.map((k) => k.hash)).toEqual(
      body.config.auth.keys.map(() => '***'),
    );
    expect(JSON.stringify(body)).not.toMatch(/sha256:[0-9a-f]{64}/);
  });

  it('needs a key with scope admin', async () => {
    await request(h.rawApp).get('/v1/diagnostics').expect(401);
    await request(h.rawApp).get('/metrics').expect(401);
  });
});
