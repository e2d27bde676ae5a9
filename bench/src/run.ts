import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { createLogger, createRedisConnection, QueueNames, type TaskJobData } from '@tta/core';
import type { Redis } from 'ioredis';
import { agentRuntime, bareBullmq, type Consumer, type ConsumerOptions } from './consumers';
import { measureFailover } from './failover';
import { measurePlayerTurns } from './player-turn';
import { median, percentile, round } from './stats';

const CAPABILITY = 'bench.noop';
const settings = {
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  jobs: Number(process.env.BENCH_JOBS ?? 10_000),
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 16),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  rate: Number(process.env.BENCH_RATE ?? 500),
  latencySeconds: Number(process.env.BENCH_LATENCY_SECONDS ?? 5),
  failoverKills: Number(process.env.BENCH_FAILOVER_KILLS ?? 10),
  turnRate: Number(process.env.BENCH_TURN_RATE ?? 20),
  turnSeconds: Number(process.env.BENCH_TURN_SECONDS ?? 10),
};

type Kind = 'bullmq' | 'runtime';
const factories: Record<Kind, (o: ConsumerOptions) => Consumer> = {
  bullmq: bareBullmq,
  runtime: agentRuntime,
};

function jobData(): TaskJobData {
  const now = Date.now();
  return { capability: CAPABILITY, input: { sentAt: now }, timeoutMs: 30_000, enqueuedAt: now };
}

async function withQueue<T>(
  redis: Redis,
  fn: (names: QueueNames, queue: Queue) => Promise<T>,
): Promise<T> {
  const names = new QueueNames(`{bench-${process.pid}-${Date.now()}}`);
  const queue = new Queue(names.capability(CAPABILITY), {
    connection: redis,
    prefix: names.prefix,
  });
  try {
    return await fn(names, queue);
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    const keys = await redis.keys(`${names.prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
}

async function waitForCompleted(queue: Queue, count: number): Promise<void> {
  for (;;) {
    const { completed = 0 } = await queue.getJobCounts('completed');
    if (completed >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Jobs/s of one consumer draining a pre-filled queue of no-op jobs. */
async function throughput(redis: Redis, kind: Kind): Promise<number> {
  return withQueue(redis, async (names, queue) => {
    for (let i = 0; i < settings.jobs; i += 1000) {
      const n = Math.min(1000, settings.jobs - i);
      await queue.addBulk(
        Array.from({ length: n }, () => ({
          name: CAPABILITY,
          data: jobData(),
          opts: { removeOnComplete: false },
        })),
      );
    }
    const consumer = factories[kind]({
      connection: redis,
      names,
      capability: CAPABILITY,
      concurrency: settings.concurrency,
      logger,
    });
    const t0 = performance.now();
    await consumer.start();
    await waitForCompleted(queue, settings.jobs);
    const seconds = (performance.now() - t0) / 1000;
    await consumer.stop();
    return settings.jobs / seconds;
  });
}

/** Enqueue-to-start latencies (ms) at a fixed arrival rate. */
async function latency(redis: Redis, kind: Kind): Promise<number[]> {
  return withQueue(redis, async (names, queue) => {
    const samples: number[] = [];
    const consumer = factories[kind]({
      connection: redis,
      names,
      capability: CAPABILITY,
      concurrency: settings.concurrency,
      logger,
      onStart: (sentAt) => samples.push(Date.now() - sentAt),
    });
    await consumer.start();
    const total = settings.rate * settings.latencySeconds;
    const t0 = Date.now();
    for (let sent = 0; sent < total; sent += 1) {
      const due = t0 + (sent * 1000) / settings.rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      void queue.add(CAPABILITY, jobData());
    }
    await waitForCompleted(queue, total);
    await consumer.stop();
    return samples;
  });
}

const logger = createLogger({ level: 'error' });

async function main(): Promise<void> {
  const redis = createRedisConnection({
    url: settings.redisUrl,
    role: 'worker',
    name: 'tta-bench',
  });
  const rates: Record<Kind, number[]> = { bullmq: [], runtime: [] };
  // One uncounted round of each warms up the JIT and the Redis connection.
  for (const kind of ['bullmq', 'runtime'] as const) await throughput(redis, kind);
  for (let round = 1; round <= settings.rounds; round += 1) {
    for (const kind of ['bullmq', 'runtime'] as const) {
      const rate = await throughput(redis, kind);
      rates[kind].push(rate);
      console.log(`round ${round} ${kind.padEnd(8)} ${rate.toFixed(0)} jobs/s`);
    }
  }
  const lat: Record<Kind, number[]> = {
    bullmq: await latency(redis, 'bullmq'),
    runtime: await latency(redis, 'runtime'),
  };
  const turns =
    settings.turnSeconds > 0
      ? await measurePlayerTurns({
          redisUrl: settings.redisUrl,
          rate: settings.turnRate,
          seconds: settings.turnSeconds,
          sessions: 50,
        })
      : [];
  const failover =
    settings.failoverKills > 0
      ? await measureFailover({
          redis,
          redisUrl: settings.redisUrl,
          kills: settings.failoverKills,
          taskMs: 1000,
        })
      : [];
  await redis.quit();
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? '',
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
    },
    settings: { ...settings, redisUrl: undefined },
    throughput: {
      bullmqJobsPerSec: round(median(rates.bullmq), 0),
      runtimeJobsPerSec: round(median(rates.runtime), 0),
      ratio: round(median(rates.runtime) / median(rates.bullmq), 3),
      rounds: rates,
    },
    playerTurnMs: {
      rate: settings.turnRate,
      turns: turns.length,
      p50: percentile(turns, 50),
      p99: percentile(turns, 99),
      max: percentile(turns, 100),
    },
    failoverMs: {
      kills: settings.failoverKills,
      tasks: failover.length,
      median: median(failover),
      max: percentile(failover, 100),
    },
    latencyMs: Object.fromEntries(
      (['bullmq', 'runtime'] as const).map((k) => [
        k,
        {
          p50: percentile(lat[k], 50),
          p99: percentile(lat[k], 99),
          max: percentile(lat[k], 100),
          samples: lat[k].length,
        },
      ]),
    ),
  };
  console.log(
    `\nthroughput: bare BullMQ ${result.throughput.bullmqJobsPerSec} jobs/s, agent runtime ${result.throughput.runtimeJobsPerSec} jobs/s, ratio ${result.throughput.ratio}`,
  );
  for (const k of ['bullmq', 'runtime'] as const) {
    const l = result.latencyMs[k] as { p50: number; p99: number; max: number };
    console.log(
      `enqueue-to-start at ${settings.rate}/s (${k}): p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms`,
    );
  }
  if (turns.length > 0) {
    const t = result.playerTurnMs;
    console.log(
      `player-turn at ${settings.turnRate}/s (${turns.length} turns): p50 ${t.p50} ms, p99 ${t.p99} ms, max ${t.max} ms`,
    );
  }
  if (failover.length > 0) {
    console.log(
      `failover over ${settings.failoverKills} kills (${failover.length} tasks): median ${result.failoverMs.median} ms, max ${result.failoverMs.max} ms`,
    );
  }
  const out = path.resolve(__dirname, '../results/latest.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten ${path.relative(process.cwd(), out)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
