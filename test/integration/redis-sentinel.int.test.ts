import { AgentRuntime, defineAgent } from '@tta/agent-sdk';
import {
  AgentRegistry,
  CapabilityCatalog,
  closeRedis,
  createLogger,
  createRedisConnection,
  loadConfig,
  pingRedis,
  QueueNames,
  TaskRouter,
  TaskService,
  waitForReady,
  type RedisClient,
} from '@tta/core';
import {
  startRedisSentinel,
  uniquePrefix,
  waitFor,
  type LocalRedisSentinel,
} from '@tta/test-utils';
import { Redis } from 'ioredis';

const CAPABILITY = 'echo.say';

// A private master behind one Redis Sentinel: every connection of the system is made from a
// redis+sentinel:// URL, and tasks run through it.
describe('through Redis Sentinel', () => {
  let sentinel: LocalRedisSentinel;
  let worker: RedisClient;
  let producer: RedisClient;

  beforeAll(async () => {
    sentinel = await startRedisSentinel({ masterName: 'mymaster' });
    worker = createRedisConnection({ url: sentinel.url, role: 'worker', name: 'tta-test' });
    producer = createRedisConnection({ url: sentinel.url, role: 'producer', name: 'tta-test' });
    expect(await waitForReady(producer, 5000)).toBe(true);
  });

  afterAll(async () => {
    await closeRedis(worker);
    await closeRedis(producer);
    await sentinel.stop();
  });

  it('connects to the master the Sentinel names', async () => {
    expect(producer).toBeInstanceOf(Redis);
    expect(await pingRedis(sentinel.url, 2000)).toBe(true);
    expect(await pingRedis(`redis+sentinel://127.0.0.1:${sentinel.sentinelPort}/nobody`, 500)).toBe(
      false,
    );
    const [, port] = (await producer.config('GET', 'port')) as [string, string];
    expect(Number(port)).toBe(sentinel.masterPort);
  });

  it('runs tasks enqueued and processed through Sentinel connections', async () => {
    const names = new QueueNames(uniquePrefix());
    const config = loadConfig({
      env: {},
      overrides: { capabilities: { [CAPABILITY]: { agentType: 'echo' } } },
    });
    const catalog = new CapabilityCatalog(config.capabilities);
    const registry = new AgentRegistry(worker, { names, ttlMs: 3000 });
    const tasks = new TaskService(producer, {
      names,
      catalog,
      router: new TaskRouter(catalog, { names }),
      tasks: config.tasks,
    });
    const runtime = new AgentRuntime(
      defineAgent({
        type: 'echo',
        capabilities: [CAPABILITY],
        handler: async (task) => ({ said: task.input.text }),
      }),
      { connection: worker, names, registry, logger: createLogger({ level: 'error' }) },
    );
    try {
      await runtime.start();
      const accepted = await tasks.enqueueBatch({
        tasks: ['one', 'two', 'three'].map((text) => ({ capability: CAPABILITY, input: { text } })),
      });
      const done = await Promise.all(
        accepted.map(({ id }) =>
          waitFor(
            async () => {
              const view = await tasks.get(id);
              return view.status === 'completed' ? view : undefined;
            },
            { what: `task ${id} to complete` },
          ),
        ),
      );
      expect(done.map((view) => view.result)).toEqual([
        { said: 'one' },
        { said: 'two' },
        { said: 'three' },
      ]);
    } finally {
      await runtime.stop();
      await tasks.close();
    }
  });
});
