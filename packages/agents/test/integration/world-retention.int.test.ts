import { randomUUID } from 'node:crypto';
import winston from 'winston';
import {
  createLogger,
  QueueShards,
  RETENTION_CLASSES,
  RetentionSweeper,
  worldActivityKey,
  worldHistoryKey,
  worldKey,
  type RetentionAges,
  type RetentionReport,
} from '@tta/core';
import { createWorldBuilder } from '@tta/agents';
import { createTestRedis, deletePrefix, once, uniquePrefix, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { agentTask, createTaskContext } from '../task-context';

const logger = createLogger({ transports: [new winston.transports.Console({ silent: true })] });
const DAY = 86_400_000;
const WORLD_AGE_MS = 3000;

describe('retention of world state', () => {
  let redis: Redis;
  let shards: QueueShards;
  let sweeper: RetentionSweeper;

  beforeEach(() => {
    redis = createTestRedis();
    shards = new QueueShards(uniquePrefix());
    // Every other class keeps its data a day: only worlds are old enough to go.
    const ages = Object.fromEntries(
      RETENTION_CLASSES.map((c) => [c, c === 'world' ? WORLD_AGE_MS : DAY]),
    ) as RetentionAges;
    sweeper = new RetentionSweeper({
      connection: redis,
      shards,
      ages,
      queues: () => [],
      logger,
      intervalMs: 100,
    });
  });

  afterEach(async () => {
    await sweeper.close();
    await deletePrefix(redis, shards.control.prefix);
    await redis.quit();
  });

  // The world keys a day's TTL keeps: what goes earlier goes by the sweeper.
  const worldBuilder = () =>
    createWorldBuilder({ redis, names: shards.control, sessionTtlMs: DAY });
  const newSession = () => `s-${randomUUID()}`;

  async function play(sessionId: string, text: string): Promise<void> {
    await worldBuilder().handler(
      agentTask('world.update', { text }, { sessionId }),
      createTaskContext('world-builder'),
    );
  }

  async function look(sessionId: string): Promise<void> {
    const agent = worldBuilder();
    await agent.handler(
      agentTask('world.read', {}, { sessionId }),
      createTaskContext('world-builder', { tools: agent.tools }),
    );
  }

  const keysOf = (sessionId: string) => [
    worldKey(shards.control, sessionId),
    worldHistoryKey(shards.control, sessionId),
  ];

  it('removes the world and turn history of a session idle past its age, and keeps an active one', async () => {
    const played = newSession();
    const looked = newSession();
    await play(played, 'go north');
    await look(looked);
    expect(await redis.exists(...keysOf(played), ...keysOf(looked))).toBe(3);
    const index = worldActivityKey(shards.control);
    const activeAt = (await redis.zrange(index, 0, 0, 'WITHSCORES')).map(Number)[1] ?? 0;
    const reports: Array<{ at: number; report: RetentionReport }> = [];
    sweeper.on('swept', (report) => reports.push({ at: Date.now(), report }));
    await sweeper.start();

    await waitFor(async () => (await redis.exists(...keysOf(played), ...keysOf(looked))) === 0, {
      timeoutMs: WORLD_AGE_MS + 10_000,
      intervalMs: 50,
      what: 'idle worlds removed',
    });
    expect(await redis.zcard(index)).toBe(0);
    const removing = reports.filter(({ report }) => report.world > 0);
    expect(removing.reduce((sum, { report }) => sum + report.world, 0)).toBe(2);
    // Not before its age: the first removal came at least that long after the first activity.
    expect(removing[0]?.at).toBeGreaterThanOrEqual(activeAt + WORLD_AGE_MS);

    // A session that plays now keeps its world (and starts from the beginning again).
    await play(played, 'go north');
    await once(sweeper, 'swept');
    await once(sweeper, 'swept');
    expect(await redis.exists(...keysOf(played))).toBe(2);
    expect(await redis.hget(worldKey(shards.control, played), 'version')).toBe('1');
  });

  it('counts a read as activity: a world read since the cutoff stays, one only written before goes', async () => {
    const readAgain = newSession();
    const idle = newSession();
    await play(readAgain, 'go north');
    await play(idle, 'go north');
    const index = worldActivityKey(shards.control);
    const written = Date.now();
    await waitFor(() => Date.now() > written + 500);
    await look(readAgain);
    expect(Number(await redis.zscore(index, readAgain))).toBeGreaterThan(written);
    // A sweeper whose cutoff falls between the writes and the read.
    const ages = Object.fromEntries(
      RETENTION_CLASSES.map((c) => [c, c === 'world' ? Date.now() - written - 250 : DAY]),
    ) as RetentionAges;
    const between = new RetentionSweeper({
      connection: redis,
      shards,
      ages,
      queues: () => [],
      logger,
    });
    try {
      expect((await between.sweep()).world).toBe(1);
    } finally {
      await between.close();
    }
    expect(await redis.exists(...keysOf(readAgain))).toBe(2);
    expect(await redis.exists(...keysOf(idle))).toBe(0);
  });
});
