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
