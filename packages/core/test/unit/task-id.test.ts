import { TaskId } from '@tta/core';

const QUEUE = 'cap.narrative.generate';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('TaskId', () => {
  it('creates ids that carry their queue and parse back to it', () => {
    const id = TaskId.create(QUEUE);
    expect(id.startsWith(`${QUEUE}~`)).toBe(true);
    const parsed = TaskId.parse(id);
    expect(parsed?.queue).toBe(QUEUE);
    expect(parsed?.uuid).toMatch(UUID);
    expect(`${parsed?.queue}~${parsed?.uuid}`).toBe(id);
  });

  it('creates a different id every time', () => {
    const ids = new Set(Array.from({ length: 100 }, () => TaskId.create(QUEUE)));
    expect(ids.size).toBe(100);
  });

  it.each([
    '',
    'nonsense',
    `~${'0'.repeat(8)}-0000-0000-0000-000000000000`,
    `${QUEUE}~`,
    `${QUEUE}~not-a-uuid`,
    `${QUEUE}~0123ABCD-0000-0000-0000-000000000000`,
    `CAP.X~01234567-0000-0000-0000-000000000000`,
    `cap x~01234567-0000-0000-0000-000000000000`,
    `a~b~01234567-0000-0000-0000-000000000000`,
    `${QUEUE}~01234567-0000-0000-0000-000000000000-extra`,
  ])('rejects the malformed id %j', (id) => {
    expect(TaskId.parse(id)).toBeUndefined();
  });
});

describe('TaskId on a shard', () => {
  it('writes shard 0 without its number, so ids from before sharding read as shard 0', () => {
    const id = TaskId.create(QUEUE, 0);
    expect(id).toMatch(new RegExp(`^${QUEUE.replace(/\./g, '\\.')}~[0-9a-f-]{36}$`));
    expect(TaskId.parse(id)?.shard).toBe(0);
    expect(TaskId.parse(`${QUEUE}~01234567-0000-0000-0000-000000000000`)).toEqual({
      queue: QUEUE,
      uuid: '01234567-0000-0000-0000-000000000000',
      shard: 0,
    });
  });

  it('carries a later shard between the queue and the uuid', () => {
    const id = TaskId.create(QUEUE, 7);
    expect(id.startsWith(`${QUEUE}~7~`)).toBe(true);
    expect(TaskId.parse(id)).toEqual({ queue: QUEUE, uuid: expect.stringMatching(UUID), shard: 7 });
    expect(TaskId.format('workflow', '01234567-0000-0000-0000-000000000000', 12)).toBe(
      'workflow~12~01234567-0000-0000-0000-000000000000',
    );
  });

  it.each(['0', '01', '-1', '1.5', 'x', '10000', ''])('rejects the shard %j in an id', (shard) => {
    expect(TaskId.parse(`${QUEUE}~${shard}~01234567-0000-0000-0000-000000000000`)).toBeUndefined();
  });

  it('refuses to create an id of a negative or fractional shard', () => {
    expect(() => TaskId.create(QUEUE, -1)).toThrow(RangeError);
    expect(() => TaskId.create(QUEUE, 1.5)).toThrow(RangeError);
    expect(() => TaskId.create(QUEUE, 10_000)).toThrow(RangeError);
  });
});
