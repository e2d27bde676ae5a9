import { Queue } from 'bullmq';
import { QueueNames, type TaskJobData } from '@tta/core';
import { deletePrefix, uniquePrefix } from '../bench-keys';
import { lineChart } from '../charts/line-chart';
import { ConsumerProcess, sumCounters, type ConsumerCounters } from '../consumer-process';
import { benchPids, CpuMeter, describeCpu, type CpuUse } from '../cpu-meter';
import { sleep } from '../node-child';
import { atLeast, fmt, info, type Scenario, type ScenarioContext } from '../scenario';
import { round } from '../stats';

const CAPABILITY = 'bench.io';
const WARMUP_MS = 5000;
const KINDS = ['bullmq', 'runtime'] as const;
type Kind = (typeof KINDS)[number];
const LABELS: Record<Kind, string> = { bullmq: 'bare BullMQ', runtime: 'agent runtime' };

/** What one consumer kind sustained. */
interface KindResult {
  /** Operations completed per second over the measured window. */
  opsPerSec: number;
  /** Achieved / Little's-law limit (in-flight target / operation time). */
  ratio: number;
  /** Mean operations in flight over the window (Little's L). */
  meanInFlight: number;
  /** Mean time in the handler, ms (Little's W). */
  meanRunMs: number;
  /** Operations/s in each second of the window. */
  perSecond: number[];
  /** CPU use over the window. */
  cpu: CpuUse;
}

/**
 * Concurrency: `inFlight` operations at once, each awaiting `operationMs` of I/O, sustained for
 * `concurrencySeconds` while a producer keeps a backlog: achieved ops/s against the
 * Little's-law limit, for the agent runtime and for bare BullMQ workers.
 */
export const concurrencyScenario: Scenario = {
  id: 'concurrency',
  title: 'Concurrency: in-flight operations against the Little\u2019s-law limit',
  async run(context) {
    const {
      inFlight,
      operationMs,
      concurrencySeconds: seconds,
      concurrencyProcesses,
    } = context.settings;
    const limit = (inFlight * 1000) / operationMs;
    const results = {} as Record<Kind, KindResult>;
    for (const kind of KINDS) {
      const r = await measureKind(context, kind, limit);
      results[kind] = r;
      context.log(
        `  ${LABELS[kind].padEnd(14)} ${fmt(r.opsPerSec)} ops/s = ${fmt(r.ratio * 100, 1)} % of ${fmt(limit)} (mean in flight ${fmt(r.meanInFlight, 1)}, mean run ${fmt(r.meanRunMs, 1)} ms)`,
      );
      context.log(`    CPU (cores): ${describeCpu(r.cpu)}`);
    }
    const rt = results.runtime;
    return {
      data: {
        inFlight,
        operationMs,
        seconds,
        processes: concurrencyProcesses,
        littleLimit: limit,
        ...results,
      },
      rows: [
        info(
          'Little\u2019s-law limit',
          `${fmt(inFlight)} in flight / ${operationMs} ms = ${fmt(limit)} ops/s`,
        ),
        ...KINDS.map((k) =>
          info(
            LABELS[k],
            `${fmt(results[k].opsPerSec)} ops/s (mean in flight ${fmt(results[k].meanInFlight, 1)}, mean run ${fmt(results[k].meanRunMs, 1)} ms)`,
          ),
        ),
        ...KINDS.map((k) => info(`CPU use, ${LABELS[k]} (cores)`, describeCpu(results[k].cpu))),
        atLeast('agent runtime / limit', rt.ratio, 0.9),
        info('bare BullMQ / limit', fmt(results.bullmq.ratio, 2)),
      ],
      charts: [
        lineChart({
          name: 'concurrency',
          title: `${fmt(inFlight)} operations of ${operationMs} ms in flight: operations/s in each second`,
          unit: 'ops/s',
          xLabel: 's',
          series: KINDS.map((k) => ({
            name: LABELS[k],
            points: results[k].perSecond.map((v, i): [number, number] => [i + 1, v]),
          })),
          references: [
            { value: limit, label: 'Little\u2019s-law limit' },
            { value: limit * 0.9, label: '90 % target' },
          ],
        }),
      ],
      method: `A consumer process (${concurrencyProcesses === 1 ? 'one process' : `${concurrencyProcesses} processes`} sharing the ${fmt(inFlight)} slots: the agent runtime, or a bare BullMQ \`Worker\`, at concurrency ${fmt(inFlight / concurrencyProcesses)}${concurrencyProcesses === 1 ? '' : ' each'}) runs handlers that await ${operationMs} ms (a timer, standing for I/O). The bench process keeps a backlog of at least ${fmt(inFlight * 2)} waiting jobs (\`addBulk\` every 50 ms), so every slot always has a job to take. After ${WARMUP_MS / 1000} s of warm-up, ${seconds} s are measured: completed operations/s, and from the consumer's own counters the mean number in flight (time-weighted) and the mean handler time. Little's law: throughput = in flight / time in system, so the limit is ${fmt(inFlight)} / ${operationMs / 1000} s = ${fmt(limit)} ops/s; CPU use in cores of each process and of the whole machine over the window comes from \`/proc\`. The two ratios together say whether a shortfall is slots left empty (the fetch loop not keeping up) or handlers running longer (a busy event loop delays their timers).`,
    };
  },
};

async function measureKind(
  context: ScenarioContext,
  kind: Kind,
  limit: number,
): Promise<KindResult> {
  const {
    inFlight,
    operationMs,
    concurrencySeconds: seconds,
    concurrencyProcesses: n,
  } = context.settings;
  const names = new QueueNames(uniquePrefix(`concurrency-${kind}`));
  const queue = new Queue(names.capability(CAPABILITY), {
    connection: context.redis,
    prefix: names.prefix,
  });
  const consumers: ConsumerProcess[] = [];
  let refilling = true;
  let refill: Promise<void> | undefined;
  try {
    await topUp(queue, inFlight * 3);
    refill = (async () => {
      while (refilling) {
        await topUp(queue, inFlight * 2);
        await sleep(50);
      }
    })();
    for (let i = 0; i < n; i += 1) {
      consumers.push(
        await ConsumerProcess.start({
          kind,
          redisUrl: context.redisUrl,
          prefix: names.prefix,
          capability: CAPABILITY,
          concurrency: Math.ceil(inFlight / n),
          operationMs,
          recordStarts: false,
        }),
      );
    }
    await sleep(WARMUP_MS);
    const meter = new CpuMeter({
      ...Object.fromEntries(
        consumers.map((c, i) => [n === 1 ? 'consumer' : `consumer ${i + 1}`, c.pid]),
      ),
      ...benchPids(context.redisPid),
    }).start();
    const t0 = performance.now();
    const samples: ConsumerCounters[] = [await sample(consumers)];
    for (let s = 1; s <= seconds; s += 1) {
      await sleep(Math.max(0, t0 + s * 1000 - performance.now()));
      samples.push(await sample(consumers));
    }
    return { ...resultOf(samples, limit), cpu: meter.stop() };
  } finally {
    refilling = false;
    await refill;
    await Promise.all(consumers.map((c) => c.stop()));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await deletePrefix(context.redis, names.prefix);
  }
}

async function sample(consumers: ConsumerProcess[]): Promise<ConsumerCounters> {
  return sumCounters(await Promise.all(consumers.map((c) => c.sample())));
}

// Keeps at least `min` jobs waiting (adds up to half as many again at once).
async function topUp(queue: Queue, min: number): Promise<void> {
  const waiting = await queue.getWaitingCount();
  if (waiting >= min) return;
  const missing = Math.ceil(min * 1.5) - waiting;
  for (let i = 0; i < missing; i += 500) {
    const now = Date.now();
    const data: TaskJobData = {
      capability: CAPABILITY,
      input: {},
      timeoutMs: 30_000,
      enqueuedAt: now,
    };
    await queue.addBulk(
      Array.from({ length: Math.min(500, missing - i) }, () => ({
        name: CAPABILITY,
        data,
        opts: { removeOnComplete: true, removeOnFail: 1000 },
      })),
    );
  }
}

function resultOf(samples: ConsumerCounters[], limit: number): Omit<KindResult, 'cpu'> {
  const first = samples[0] as ConsumerCounters;
  const last = samples[samples.length - 1] as ConsumerCounters;
  const seconds = (last.at - first.at) / 1000;
  const completed = last.completed - first.completed;
  const opsPerSec = completed / seconds;
  const perSecond = samples.slice(1).map((s, i) => {
    const prev = samples[i] as ConsumerCounters;
    return round((s.completed - prev.completed) / ((s.at - prev.at) / 1000), 0);
  });
  return {
    opsPerSec: round(opsPerSec, 0),
    ratio: round(opsPerSec / limit, 4),
    meanInFlight: round((last.activeIntegralMs - first.activeIntegralMs) / (last.at - first.at), 1),
    meanRunMs: round((last.runMsSum - first.runMsSum) / Math.max(1, completed), 2),
    perSecond,
  };
}
