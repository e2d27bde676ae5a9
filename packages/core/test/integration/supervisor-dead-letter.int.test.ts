import winston from 'winston';
import {
  AgentRegistry,
  createLogger,
  DeadLetterQueue,
  Supervisor,
  type QueueNames,
} from '@tta/core';
import { createTestRedis, deletePrefix, once, uniqueNames } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { failTasks } from './failing-tasks';

const logger = createLogger({ transports: [new winston.transports.Console({ silent: true })] });
const CAPABILITY = 'world.update';

describe('Supervisor with a dead-letter queue', () => {
  let redis: Redis;
  let names: QueueNames;
  const opened: Array<{ close(): Promise<unknown> }> = [];

  /** A supervisor with its own connection and dead-letter queue, as a process would have. */
  function supervisor(id: string): Supervisor {
    const connection = createTestRedis();
    const deadLetters = new DeadLetterQueue({
      connection,
      names,
      queues: () => [names.capability(CAPABILITY)],
      logger,
    });
    const s = new Supervisor({
      redis: connection,
      names,
      registry: new AgentRegistry(connection, { names, ttlMs: 300 }),
      logger,
      id,
      replicas: {},
      leaderLockTtlMs: 600,
      sweepIntervalMs: 50,
      deadLetters,
    });
    opened.push({
      close: async () => {
        await s.stop();
        await deadLetters.close();
        await connection.quit();
      },
    });
    return s;
  }

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
  });

  afterEach(async () => {
    for (const o of opened.splice(0)) await o.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('moves failed tasks to the dead-letter queue while it leads; the standby does not', async () => {
    const leader = supervisor('sup-a');
    const standby = supervisor('sup-b');
    await leader.start();
    await standby.start();
    expect(leader.isLeader).toBe(true);
    const standbyMoved = jest.fn();
    standby.on('dead-lettered', standbyMoved);
    const moved = once<string[]>(leader, 'dead-lettered', 10_000);
    const ids = await failTasks(redis, names, CAPABILITY, [{ input: { message: 'no world' } }]);
    expect(await moved).toEqual(ids);
    const observer = new DeadLetterQueue({ connection: redis, names, queues: () => [] });
    opened.push(observer);
    expect(await observer.find(ids[0]!)).toMatchObject({ capability: CAPABILITY, attempts: 1 });
    expect(standbyMoved).not.toHaveBeenCalled();
  });
});
