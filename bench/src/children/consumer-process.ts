import { performance } from 'node:perf_hooks';
import { Worker } from 'bullmq';
import { AgentRuntime, defineAgent } from '@tta/agent-sdk';
import {
  AgentRegistry,
  closeRedis,
  createLogger,
  createRedisConnection,
  QueueNames,
  toError,
} from '@tta/core';
import type { ConsumerCounters, ConsumerMessage, ConsumerProcessConfig } from './consumer-protocol';

// A consumer in a process of its own, driven over IPC by the bench: bare BullMQ workers or this
// system's agent runtime on one queue, with a handler that records when it starts (by the
// task's `input.seq`) and then awaits `operationMs` of simulated I/O.

const config = JSON.parse(process.argv[2] ?? '{}') as ConsumerProcessConfig;
const redis = createRedisConnection({
  url: config.redisUrl,
  role: 'worker',
  name: 'tta-bench-consumer',
});
const names = new QueueNames(config.prefix);
const counters: ConsumerCounters = {
  at: 0,
  started: 0,
  completed: 0,
  active: 0,
  activeIntegralMs: 0,
  runMsSum: 0,
};
let lastChange = performance.now();
let starts: number[] = [];

function now(): number {
  return performance.timeOrigin + performance.now();
}

// Time-weighted count of jobs in the handler (∫ active dt): its difference over a window, divided
// by the window, is the mean number in flight (Little's L).
function changeActive(delta: number): void {
  const t = performance.now();
  counters.activeIntegralMs += counters.active * (t - lastChange);
  lastChange = t;
  counters.active += delta;
}

async function handle(seq: unknown): Promise<{ ok: true }> {
  const begun = performance.now();
  if (config.recordStarts && typeof seq === 'number') starts.push(seq, now());
  counters.started += 1;
  changeActive(1);
  try {
    if (config.operationMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, config.operationMs));
    }
    return { ok: true };
  } finally {
    changeActive(-1);
    counters.completed += 1;
    counters.runMsSum += performance.now() - begun;
  }
}

function snapshot(): ConsumerCounters {
  changeActive(0);
  return { ...counters, at: now() };
}

interface Consumer {
  close(): Promise<void>;
}

async function startConsumer(): Promise<Consumer> {
  const queue = names.capability(config.capability);
  if (config.kind === 'bullmq') {
    const worker = new Worker(
      queue,
      (job) => handle((job.data as { input?: { seq?: unknown } }).input?.seq),
      {
        connection: redis,
        prefix: names.prefix,
        concurrency: config.concurrency,
      },
    );
    worker.on('error', () => undefined);
    await worker.waitUntilReady();
    return { close: () => worker.close() };
  }
  const registry = new AgentRegistry(redis, { names, ttlMs: 3000 });
  const runtime = new AgentRuntime(
    defineAgent({
      type: 'bench',
      capabilities: [config.capability],
      concurrency: config.concurrency,
      handler: (task) => handle(task.input.seq),
    }),
    { connection: redis, names, registry, logger: createLogger({ level: 'error' }) },
  );
  await runtime.start();
  return { close: () => runtime.stop() };
}

async function main(): Promise<void> {
  const consumer = await startConsumer();
  const flush = setInterval(() => {
    if (starts.length === 0) return;
    process.send?.({ type: 'starts', starts } satisfies ConsumerMessage);
    starts = [];
  }, 50);
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'sample') {
      process.send?.({ type: 'sample', counters: snapshot() } satisfies ConsumerMessage);
    } else if (message.type === 'stop') {
      void (async () => {
        clearInterval(flush);
        await consumer.close();
        if (starts.length > 0) process.send?.({ type: 'starts', starts } satisfies ConsumerMessage);
        process.send?.({ type: 'stopped', counters: snapshot() } satisfies ConsumerMessage);
        await closeRedis(redis);
        process.disconnect();
      })();
    }
  });
  // The bench going away (its IPC channel closing) ends this process too.
  process.on('disconnect', () => setTimeout(() => process.exit(0), 100).unref());
  process.send?.({ type: 'ready' } satisfies ConsumerMessage);
}

main().catch((err: unknown) => {
  process.stderr.write(`consumer failed: ${toError(err).stack ?? String(err)}\n`);
  process.exit(1);
});
