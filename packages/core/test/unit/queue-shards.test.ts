import { QueueNames, QueueShards, TaskId } from '@tta/core';
import { fnv1a, MAX_SHARDS, shardPrefix } from '../../src/queues/queue-shards';

describe('QueueShards', () => {
  it('has one shard, the base prefix, by default: keys stay where they were', () => {
    const shards = new QueueShards();
    expect(shards.count).toBe(1);
    expect(shards.control.prefix).toBe('{tta}');
    expect(shards.control.shard).toBe(0);
    expect(shards.forSession('any session').prefix).toBe('{tta}');
    expect(shards.next().prefix).toBe('{tta}');
  });

  it('keeps the base prefix for shard 0 and derives one hash tag per later shard', () => {
    const shards = new QueueShards('{tta}', { count: 3 });
    expect(shards.all.map((names) => names.prefix)).toEqual(['{tta}', '{tta-1}', '{tta-2}']);
    expect(shards.all.map((names) => names.shard)).toEqual([0, 1, 2]);
    expect(shards.of(2).key('session', 's1', 'order')).toBe('{tta-2}:session:s1:order');
    expect(shardPrefix('{test-1a2b}', 4)).toBe('{test-1a2b-4}');
    expect(() => shards.of(3)).toThrow(RangeError);
  });

  it.each([0, -1, 1.5, MAX_SHARDS + 1])('refuses %p shards', (count) => {
    expect(() => new QueueShards('{tta}', { count })).toThrow('shard count must be an integer');
  });

  it('puts a session on the same shard every time, in every process', () => {
    const a = new QueueShards('{tta}', { count: 5 });
    const b = new QueueShards('{tta}', { count: 5 });
    for (const session of ['s-1', 's-2', 'player-42', 'ünïcode']) {
      expect(a.forSession(session).shard).toBe(b.forSession(session).shard);
      expect(a.forSession(session).shard).toBe(fnv1a(session) % 5);
      expect(a.pick(session)).toBe(a.forSession(session));
    }
  });

  it('spreads sessions over every shard', () => {
    const shards = new QueueShards('{tta}', { count: 3 });
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[shards.forSession(`session-${i}`).shard]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  it('hands out shards in turn to work without a session', () => {
    const shards = new QueueShards('{tta}', { count: 3 });
    const picked = Array.from({ length: 6 }, () => shards.pick().shard);
    expect(picked).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('finds the shard a task id names, and none for a shard it does not have', () => {
    const shards = new QueueShards('{tta}', { count: 3 });
    expect(shards.forId(TaskId.create('cap.x', 2))).toBe(shards.of(2));
    expect(shards.forId(TaskId.create('cap.x'))).toBe(shards.control);
    expect(shards.forId(TaskId.create('cap.x', 3))).toBeUndefined();
    expect(shards.forId('nonsense')).toBeUndefined();
  });

  it('hashes with 32-bit FNV-1a', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });
});

describe('QueueNames of a shard', () => {
  it('carries its shard index, 0 by default', () => {
    expect(new QueueNames('{tta}').shard).toBe(0);
    expect(new QueueNames('{tta-2}', { shard: 2 }).shard).toBe(2);
    expect(() => new QueueNames('{tta}', { shard: -1 })).toThrow('shard must be');
  });
});
