import { Queue } from 'bullmq';
import { QueueNames, type TaskJobData } from '@tta/core';
import { deletePrefix, uniquePrefix } from '../bench-keys';
import { barChart } from '../charts/bar-chart';
import { benchPids, CpuMeter } from '../cpu-meter';
import { agentRuntime, bareBullmq, type Consumer, type ConsumerOptions } from '../consumers';
import { sleep } from '../node-child';
import { atLeast, fmt, info, type Scenario, type ScenarioContext } from '../scenario';
import { median, round } from '../stats';

/** The capability of the jobs {@link drain} adds. */
export const CAPABILITY = 'bench.noop';
const KINDS = ['bullmq', 'runtime'] as const;
type Kind = (typeof KINDS)[number];
const factories: Record<Kind, (o: ConsumerOptions) => Consumer> = {
  bullmq: bareBullmq,
  runtime: agentRuntime,
};

/**
 * Queue throughput: one consumer drains a pre-filled queue of no-op jobs, bare BullMQ and the
 * agent runtime in alternating rounds, same Redis, same concurrency.
 */
export const throughputScenario: Scenario = {
  id: 'throughput',
  title: 'Queue throughput: agent runtime vs bare BullMQ',
  async run(context) {
    const { jobs, concurrency, rounds } = context.settings;
    const drains: Record<Kind, Drain[]> = { bullmq: [], runtime: [] };
    const ratios: number[] = [];
    // One uncounted round of each warms up the JIT and the connection.
    for (const kind of KINDS) await drainOf(context, kind);
    for (let r = 1; r <= rounds; r += 1) {
      // ABBA order: a drift of the machine's speed during a run favours neither consumer.
      const order = r % 2 === 1 ? KINDS : [...KINDS].reverse();
      for (const kind of order) drains[kind].push(await drainOf(context, kind));
      const [b, rt] = [drains.bullmq[r - 1] as Drain, drains.runtime[r - 1] as Drain];
      ratios.push(rt.jobsPerSec / b.jobsPerSec);
      context.log(
        `  round ${r}: bare BullMQ ${fmt(b.jobsPerSec)} jobs/s (${fmt(b.cpuMicrosPerJob)} µs CPU a job), agent runtime ${fmt(rt.jobsPerSec)} jobs/s (${fmt(rt.cpuMicrosPerJob)} µs), ratio ${fmt(rt.jobsPerSec / b.jobsPerSec, 3)}`,
      );
    }
    const med = (kind: Kind, key: keyof Drain) => median(drains[kind].map((d) => d[key]));
    const bullmq = med('bullmq', 'jobsPerSec');
    const runtime = med('runtime', 'jobsPerSec');
    const ratio = median(ratios);
    const cpu = {
      bullmq: med('bullmq', 'cpuMicrosPerJob'),
      runtime: med('runtime', 'cpuMicrosPerJob'),
    };
    return {
      data: {
        jobs,
        concurrency,
        rounds,
        bullmqJobsPerSec: round(bullmq, 0),
        runtimeJobsPerSec: round(runtime, 0),
        ratio: round(ratio, 3),
        cpuMicrosPerJob: cpu,
        redisCpuMicrosPerJob: {
          bullmq: med('bullmq', 'redisMicrosPerJob'),
          runtime: med('runtime', 'redisMicrosPerJob'),
        },
        perRound: { ...drains, ratio: ratios.map((x) => round(x, 3)) },
      },
      rows: [
        info('bare BullMQ Worker', `${fmt(bullmq)} jobs/s, ${fmt(cpu.bullmq)} µs CPU a job`),
        info('agent runtime', `${fmt(runtime)} jobs/s, ${fmt(cpu.runtime)} µs CPU a job`),
        info('CPU a job, agent runtime / bare BullMQ', fmt(cpu.runtime / cpu.bullmq, 2)),
        atLeast('agent runtime / bare BullMQ (jobs/s, median of the rounds)', ratio, 0.9),
      ],
      charts: [
        barChart({
          name: 'throughput',
          title: `Queue throughput, no-op jobs, concurrency ${concurrency} (medians of ${rounds} rounds)`,
          unit: 'jobs/s',
          categories: ['jobs/s'],
          series: [
            { name: 'bare BullMQ', values: [bullmq] },
            { name: 'agent runtime', values: [runtime] },
          ],
        }),
      ],
      method: `${fmt(jobs)} no-op jobs are added to a queue, then one consumer in the bench process drains it: a bare BullMQ \`Worker\` or the agent runtime (\`AgentRuntime\` with its registry, heartbeat, task context and timeouts) at concurrency ${concurrency}. Jobs/s is jobs over the time from the consumer's start to the last completion; one uncounted round of each, then ${rounds} counted rounds, each running both in turn (ABBA order, so that a drift of the machine's speed favours neither). The ratio is the median of the rounds' ratios; the jobs/s are medians too. CPU a job is the bench process's CPU time (the consumer; nothing else runs in it while it drains) over the jobs: it changes less than jobs/s with the machine's noise.`,
    };
  },
};

function jobData(): TaskJobData {
  const now = Date.now();
  return { capability: CAPABILITY, input: { sentAt: now }, timeoutMs: 30_000, enqueuedAt: now };
}

function drainOf(context: ScenarioContext, kind: Kind): Promise<Drain> {
  return drain(context, { consumer: factories[kind], jobData });
}

/** What one consumer did draining one queue. */
export interface Drain {
  jobsPerSec: number;
  /** CPU time of the bench process (the consumer) per job, µs. */
  cpuMicrosPerJob: number;
  /** CPU time of Redis per job, µs (0 when the bench did not start Redis). */
  redisMicrosPerJob: number;
}

/** Options of {@link drain}. */
export interface DrainOptions {
  /** The consumer under test. */
  consumer: (options: ConsumerOptions) => Consumer;
  /** The data of each job, made before the consumer starts (not timed). */
  jobData: () => TaskJobData;
  /** Options of the consumer beyond the queue, concurrency and logger. */
  consumerOptions?: Pick<ConsumerOptions, 'codec' | 'output'>;
}

/** One consumer draining a pre-filled queue of `settings.jobs` jobs of capability `bench.noop`. */
export async function drain(context: ScenarioContext, options: DrainOptions): Promise<Drain> {
  const { redis, settings, logger } = context;
  const names = new QueueNames(uniquePrefix('throughput'));
  const queue = new Queue(names.capability(CAPABILITY), {
    connection: redis,
    prefix: names.prefix,
  });
  try {
    for (let i = 0; i < settings.jobs; i += 1000) {
      const n = Math.min(1000, settings.jobs - i);
      await queue.addBulk(
        Array.from({ length: n }, () => ({
          name: CAPABILITY,
          data: options.jobData(),
          opts: { removeOnComplete: false },
        })),
      );
    }
    const consumer = options.consumer({
      connection: redis,
      names,
      capability: CAPABILITY,
      concurrency: settings.concurrency,
      logger,
      ...options.consumerOptions,
    });
    const meter = new CpuMeter(benchPids(context.redisPid)).start();
    const t0 = performance.now();
    await consumer.start();
    for (;;) {
      const { completed = 0 } = await queue.getJobCounts('completed');
      if (completed >= settings.jobs) break;
      await sleep(10);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = meter.stop();
    await consumer.stop();
    const perJob = (cores: number | undefined) =>
      round(((cores ?? 0) * seconds * 1e6) / settings.jobs, 1);
    return {
      jobsPerSec: round(settings.jobs / seconds, 0),
      cpuMicrosPerJob: perJob(cpu.processes.bench),
      redisMicrosPerJob: perJob(cpu.processes.redis),
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await deletePrefix(redis, names.prefix);
  }
}
