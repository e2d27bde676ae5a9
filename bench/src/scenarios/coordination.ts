import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { closeRedis, createRedisConnection, QueueNames, type TaskJobData } from '@tta/core';
import { apiUrlOf, startApp, type AppProcess } from '../app-process';
import { deletePrefix, uniquePrefix } from '../bench-keys';
import { barChart } from '../charts/bar-chart';
import { ConsumerProcess } from '../consumer-process';
import { benchPids, CpuMeter, describeCpu, type CpuUse } from '../cpu-meter';
import { sleep, until } from '../node-child';
import { JsonPoster, runOpenLoop } from '../open-loop';
import { below, fmt, info, type Scenario, type ScenarioContext } from '../scenario';
import { round, summarize, type LatencySummary } from '../stats';

const CAPABILITY = 'bench.probe';
const TARGET_P99_MS = 10;
const WARMUP_TASKS = 2000;

/** How tasks are produced and consumed in one variant. */
interface Variant {
  id: 'api-runtime' | 'api-runtime-half' | 'add-runtime' | 'add-bullmq';
  label: string;
  producer: 'api' | 'add';
  consumer: 'runtime' | 'bullmq';
  /** Share of the scenario's rate this variant runs at. */
  rateFactor: number;
}

const VARIANTS: Variant[] = [
  {
    id: 'api-runtime',
    label: 'API 202 → agent runtime',
    producer: 'api',
    consumer: 'runtime',
    rateFactor: 1,
  },
  {
    id: 'add-runtime',
    label: 'queue.add → agent runtime',
    producer: 'add',
    consumer: 'runtime',
    rateFactor: 1,
  },
  {
    id: 'add-bullmq',
    label: 'queue.add → bare BullMQ',
    producer: 'add',
    consumer: 'bullmq',
    rateFactor: 1,
  },
  {
    id: 'api-runtime-half',
    label: 'API 202 → agent runtime, half rate',
    producer: 'api',
    consumer: 'runtime',
    rateFactor: 0.5,
  },
];

/** What one variant measured. */
interface VariantResult {
  /** From the acknowledgement (202, or `add` resolved) to the handler's start, ms. */
  ackToStart: LatencySummary;
  /** Handlers that started before their acknowledgement arrived (counted as 0 ms). */
  startedBeforeAck: number;
  /** From sending the request (or calling `add`) to the acknowledgement, ms. */
  enqueue: LatencySummary;
  /** How far behind schedule the last task was sent, ms. */
  scheduleLagMs: number;
  /** CPU use while the tasks were sent. */
  cpu: CpuUse;
}

/**
 * Coordination latency: tasks at a fixed rate (open loop), time from the moment the producer
 * holds the acknowledgement to the moment the handler starts, through the API and the agent
 * runtime, and at queue level for the runtime and for bare BullMQ.
 */
export const coordinationScenario: Scenario = {
  id: 'coordination',
  title: 'Coordination latency: from the 202 to the handler',
  async run(context) {
    const { coordinationRate: rate, coordinationSeconds: seconds } = context.settings;
    const results: Partial<Record<Variant['id'], VariantResult>> = {};
    for (const variant of VARIANTS) {
      const result = await measureVariant(context, variant);
      results[variant.id] = result;
      const l = result.ackToStart;
      context.log(
        `  ${variant.label.padEnd(36)} p50 ${fmt(l.p50, 2)} ms, p99 ${fmt(l.p99, 2)} ms, max ${fmt(l.max, 2)} ms (${result.startedBeforeAck} before the ack; enqueue p99 ${fmt(result.enqueue.p99, 2)} ms)`,
      );
      context.log(`    CPU (cores): ${describeCpu(result.cpu)}`);
    }
    const all = VARIANTS.map((v) => [v, results[v.id] as VariantResult] as const);
    const api = results['api-runtime'] as VariantResult;
    const half = results['api-runtime-half'] as VariantResult;
    return {
      data: {
        rate,
        seconds,
        concurrency: context.settings.coordinationConcurrency,
        variants: results,
      },
      rows: [
        ...all.map(([v, r]) =>
          info(
            `${v.label} (${fmt(rate * v.rateFactor)}/s)`,
            `p50 ${fmt(r.ackToStart.p50, 2)} ms, p99 ${fmt(r.ackToStart.p99, 2)} ms, max ${fmt(r.ackToStart.max, 2)} ms`,
          ),
        ),
        info(
          `API enqueue, request → 202 (${fmt(rate)}/s)`,
          `p50 ${fmt(api.enqueue.p50, 2)} ms, p99 ${fmt(api.enqueue.p99, 2)} ms`,
        ),
        info(
          `API enqueue, request → 202 (${fmt(rate / 2)}/s)`,
          `p50 ${fmt(half.enqueue.p50, 2)} ms, p99 ${fmt(half.enqueue.p99, 2)} ms`,
        ),
        info(`CPU use, API at ${fmt(rate)}/s (cores)`, describeCpu(api.cpu)),
        info(`CPU use, API at ${fmt(rate / 2)}/s (cores)`, describeCpu(half.cpu)),
        below(
          `API 202 → handler p99 at ${fmt(rate)} tasks/s`,
          api.ackToStart.p99,
          TARGET_P99_MS,
          2,
          ' ms',
        ),
      ],
      charts: [
        barChart({
          name: 'coordination-latency',
          title: `Coordination latency: acknowledgement to handler start (${fmt(rate)} tasks/s unless marked)`,
          unit: 'ms',
          categories: ['p50', 'p90', 'p99', 'max'],
          series: all.map(([v, r]) => ({
            name: v.label,
            values: [r.ackToStart.p50, r.ackToStart.p90, r.ackToStart.p99, r.ackToStart.max],
          })),
          target: { value: TARGET_P99_MS, label: 'p99 target 10 ms' },
        }),
      ],
      method: `The bench process sends tasks at a fixed ${fmt(rate)} per second (open loop: each at its scheduled time, whatever the earlier ones are doing) for 1 s of warm-up and ${seconds} s counted, and once more through the API at half that rate. Through the API: \`POST /v1/tasks\` to the real API process (keep-alive connections, the time the 202's status line arrives is the acknowledgement; 2,000 closed-loop requests warm the API up first); at queue level: \`queue.add\` from the bench process (its promise resolving is the acknowledgement). A consumer process (agent runtime or bare BullMQ \`Worker\`, concurrency ${context.settings.coordinationConcurrency}) records when each handler starts. All processes run on this machine and read the same clock (\`performance.timeOrigin + performance.now()\`, sub-millisecond). CPU use in cores (1 = one core busy all the time) of each process and of the whole machine over the counted seconds comes from \`/proc\`. A handler that starts before its acknowledgement arrives (the job is in Redis before the 202 is back) counts 0 ms; how many did is in \`latest.json\` (\`startedBeforeAck\`).`,
    };
  },
};

async function measureVariant(context: ScenarioContext, variant: Variant): Promise<VariantResult> {
  const { coordinationSeconds: seconds } = context.settings;
  const rate = context.settings.coordinationRate * variant.rateFactor;
  const warm = Math.round(rate);
  const total = warm + Math.round(rate * seconds);
  const sent = new Float64Array(total).fill(Number.NaN);
  const acked = new Float64Array(total).fill(Number.NaN);
  const started = new Float64Array(total).fill(Number.NaN);
  const prefix = uniquePrefix(`coord-${variant.id}`);
  let api: AppProcess | undefined;
  let consumer: ConsumerProcess | undefined;
  const producer = createRedisConnection({
    url: context.redisUrl,
    role: 'producer',
    name: 'tta-bench-producer',
  });
  const names = new QueueNames(prefix);
  const queue = new Queue(names.capability(CAPABILITY), { connection: producer, prefix });
  let poster: JsonPoster | undefined;
  let failures = 0;
  try {
    consumer = await ConsumerProcess.start(
      {
        kind: variant.consumer,
        redisUrl: context.redisUrl,
        prefix,
        capability: CAPABILITY,
        concurrency: context.settings.coordinationConcurrency,
        operationMs: 0,
        recordStarts: true,
      },
      (seq, at) => {
        if (seq >= 0 && seq < total) started[seq] = at;
      },
    );
    if (variant.producer === 'api') {
      api = await startApp('api', {
        redisUrl: context.redisUrl,
        prefix,
        readyMessage: 'api listening',
        env: {
          TTA_CAPABILITIES: JSON.stringify({ [CAPABILITY]: { agentType: 'bench', attempts: 1 } }),
        },
      });
      poster = new JsonPoster(apiUrlOf(api), { 'x-api-key': 'tta-dev-key' }, 64);
    }
    await warmUp(variant, queue, poster);
    const send = sender(variant, queue, poster, { sent, acked, onFailure: () => (failures += 1) });
    const meter = new CpuMeter({
      ...(api && { api: api.pid }),
      consumer: consumer.pid,
      ...benchPids(context.redisPid),
    }).start();
    const lag = await runOpenLoop({ ratePerSec: rate, total, send });
    const cpu = meter.stop();
    await until(
      'every task acknowledged and started',
      () => {
        if (failures > 0) throw new Error(`coordination: ${failures} tasks were not accepted`);
        return acked.every((a) => !Number.isNaN(a)) && started.every((s) => !Number.isNaN(s))
          ? true
          : undefined;
      },
      60_000,
    );
    return { ...summarizeVariant(sent, acked, started, warm, lag), cpu };
  } finally {
    poster?.close();
    await consumer?.stop();
    await api?.stop();
    await queue.close();
    await deletePrefix(context.redis, prefix);
    await closeRedis(producer);
  }
}

// A cold API (JIT, lazily built schemas, no open connections) needs a moment: closed-loop
// requests first, whose handlers are not counted (seq -1).
async function warmUp(
  variant: Variant,
  queue: Queue,
  poster: JsonPoster | undefined,
): Promise<void> {
  const one =
    variant.producer === 'api' && poster
      ? () => poster.post('/v1/tasks', { capability: CAPABILITY, input: { seq: -1 } })
      : () => queue.add(CAPABILITY, jobData(-1), { removeOnComplete: true });
  let left = WARMUP_TASKS;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (left-- > 0) await one();
    }),
  );
  await sleep(500);
}

function jobData(seq: number): TaskJobData {
  return { capability: CAPABILITY, input: { seq }, timeoutMs: 30_000, enqueuedAt: Date.now() };
}

interface Marks {
  sent: Float64Array;
  acked: Float64Array;
  onFailure: () => void;
}

function sender(variant: Variant, queue: Queue, poster: JsonPoster | undefined, marks: Marks) {
  const now = () => performance.timeOrigin + performance.now();
  if (variant.producer === 'api' && poster) {
    return (seq: number) => {
      marks.sent[seq] = now();
      poster.post('/v1/tasks', { capability: CAPABILITY, input: { seq } }).then(
        (answer) => {
          if (answer.status === 202) marks.acked[seq] = answer.receivedAt;
          else marks.onFailure();
        },
        () => marks.onFailure(),
      );
    };
  }
  return (seq: number) => {
    marks.sent[seq] = now();
    queue.add(CAPABILITY, jobData(seq), { removeOnComplete: { count: 1000 } }).then(
      () => (marks.acked[seq] = now()),
      () => marks.onFailure(),
    );
  };
}

function summarizeVariant(
  sent: Float64Array,
  acked: Float64Array,
  started: Float64Array,
  warm: number,
  scheduleLagMs: number,
): Omit<VariantResult, 'cpu'> {
  const ackToStart: number[] = [];
  const enqueue: number[] = [];
  let startedBeforeAck = 0;
  for (let i = warm; i < sent.length; i += 1) {
    const delay = (started[i] as number) - (acked[i] as number);
    if (delay < 0) startedBeforeAck += 1;
    ackToStart.push(Math.max(0, delay));
    enqueue.push((acked[i] as number) - (sent[i] as number));
  }
  return {
    ackToStart: summarize(ackToStart),
    startedBeforeAck,
    enqueue: summarize(enqueue),
    scheduleLagMs: round(scheduleLagMs),
  };
}
