import { AgentRuntime, defineAgent } from '@tta/agent-sdk';
import {
  AgentRegistry,
  CapabilityCatalog,
  closeRedis,
  createLogger,
  createRedisConnection,
  loadConfig,
  QueueShards,
  TaskRouter,
  TaskService,
  waitForReady,
  type RedisClient,
} from '@tta/core';
import {
  spreadPrefix,
  startRedisCluster,
  uniquePrefix,
  waitFor,
  type LocalRedisCluster,
} from '@tta/test-utils';

const CAPABILITY = 'bench.noop';
/** Tasks per measurement; `TTA_CLUSTER_BENCH_TASKS` raises it for a longer run. */
const TASKS = Number(process.env.TTA_CLUSTER_BENCH_TASKS ?? 3000);
const RUNTIMES = 2;
/** Jobs a runtime runs at once over all its shards: each shard's worker gets its share. */
const CONCURRENCY = 48;
const BATCH = 500;

interface Measurement {
  shards: number;
  completed: number;
  seconds: number;
  jobsPerSecond: number;
  /** Masters whose shard keys hold completed tasks. */
  masters: number;
  /** CPU time the busiest master used, per second of the run, in percent of one core. */
  busiestMasterCpu: number;
}

// No-op tasks enqueued through the task service and drained by agent runtimes, on one shard
// (one master does all the work) and on three shards placed on the three masters, with the
// same number of jobs running at once in both.
describe('throughput on a Redis Cluster of three masters', () => {
  let cluster: LocalRedisCluster;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('drains the same load on one shard and on three, and reports jobs/s of each', async () => {
    const one = await measure(cluster, 1);
    const three = await measure(cluster, 3);
    process.stdout.write(
      `cluster throughput, ${TASKS} no-op tasks, ${RUNTIMES} runtimes x ${CONCURRENCY}: ` +
        `1 shard ${one.jobsPerSecond} jobs/s (${one.seconds} s, busiest master ${one.busiestMasterCpu}% CPU), ` +
        `3 shards ${three.jobsPerSecond} jobs/s (${three.seconds} s, busiest master ${three.busiestMasterCpu}% CPU)\n`,
    );
    expect(one).toMatchObject({ completed: TASKS, masters: 1 });
    expect(three).toMatchObject({ completed: TASKS, masters: 3 });
  }, 180_000);
});

async function measure(cluster: LocalRedisCluster, count: number): Promise<Measurement> {
  const prefix = count === 1 ? uniquePrefix() : await spreadPrefix(cluster, count);
  const shards = new QueueShards(prefix, { count });
  const names = shards.control;
  const config = loadConfig({
    env: {},
    overrides: { capabilities: { [CAPABILITY]: { agentType: 'bench' } } },
  });
  const catalog = new CapabilityCatalog(config.capabilities);
  const producer = createRedisConnection({ url: cluster.url, role: 'producer' });
  const workers = Array.from({ length: RUNTIMES }, () =>
    createRedisConnection({ url: cluster.url, role: 'worker' }),
  );
  const logger = createLogger({ level: 'error' });
  const tasks = new TaskService(producer, {
    names,
    shards,
    catalog,
    router: new TaskRouter(catalog, { names, shards }),
    tasks: config.tasks,
    maxBatchSize: BATCH,
  });
  const runtimes = workers.map(
    (connection) =>
      new AgentRuntime(
        defineAgent({
          type: 'bench',
          capabilities: [CAPABILITY],
          concurrency: Math.ceil(CONCURRENCY / count),
          handler: async () => ({ ok: true }),
        }),
        {
          connection,
          names,
          shards,
          registry: new AgentRegistry(connection, { names, ttlMs: 3000 }),
          logger,
        },
      ),
  );
  try {
    await waitForReady(producer, 5000);
    await Promise.all(runtimes.map((runtime) => runtime.start()));
    const cpuBefore = await mastersCpu(cluster);
    const started = Date.now();
    for (let sent = 0; sent < TASKS; sent += BATCH) {
      const size = Math.min(BATCH, TASKS - sent);
      const batch = Array.from({ length: size }, (_, i) => ({
        capability: CAPABILITY,
        input: { n: sent + i },
      }));
      await tasks.enqueueBatch({ tasks: batch });
    }
    const queue = names.capability(CAPABILITY);
    const completedOn = async () =>
      Promise.all(
        shards.all.map(
          async (shard) =>
            (await tasks.queue(queue, shard).getJobCounts('completed')).completed ?? 0,
        ),
      );
    const perShard = await waitFor(
      async () => {
        const counts = await completedOn();
        return counts.reduce((a, b) => a + b, 0) >= TASKS ? counts : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 20, what: `${TASKS} tasks on ${count} shard(s)` },
    );
    const seconds = (Date.now() - started) / 1000;
    const cpuAfter = await mastersCpu(cluster);
    const cpu = cpuAfter.map((after, i) => (after - (cpuBefore[i] ?? 0)) / seconds);
    const busy = shards.all.filter((_, k) => (perShard[k] ?? 0) > 0);
    const masters = new Set(await Promise.all(busy.map((s) => cluster.masterOf(s.prefix))));
    return {
      shards: count,
      completed: perShard.reduce((a, b) => a + b, 0),
      seconds: Math.round(seconds * 100) / 100,
      jobsPerSecond: Math.round(TASKS / seconds),
      masters: masters.size,
      busiestMasterCpu: Math.round(Math.max(...cpu) * 100),
    };
  } finally {
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
    await tasks.close();
    await Promise.all([producer, ...workers].map((c: RedisClient) => closeRedis(c)));
  }
}

// CPU seconds (user and system) each master has used so far.
async function mastersCpu(cluster: LocalRedisCluster): Promise<number[]> {
  return Promise.all(
    cluster.ports.map(async (port) => {
      const info = await cluster.cli(port, 'info', 'cpu');
      const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
      return field('used_cpu_user') + field('used_cpu_sys');
    }),
  );
}
