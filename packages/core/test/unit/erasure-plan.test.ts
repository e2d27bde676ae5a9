import {
  anonymisedSafetyEvent,
  auditEntryNamesSession,
  costBucketHours,
  sessionJobFacts,
} from '../../src/erasure/erasure-plan';

describe('sessionJobFacts', () => {
  it("finds a task's, a run's and a dead letter's session, with what its idempotency record needs", () => {
    const task = { sessionId: 's-1', owner: 'o', capability: 'input.parse', idempotencyKey: 'k' };
    expect(sessionJobFacts('t1', JSON.stringify(task), 's-1')).toEqual({
      id: 't1',
      owner: 'o',
      capability: 'input.parse',
      idempotencyKey: 'k',
    });
    expect(sessionJobFacts('d1', JSON.stringify({ taskId: 'd1', task }), 's-1')).toMatchObject({
      id: 'd1',
      capability: 'input.parse',
    });
    expect(
      sessionJobFacts('r1', JSON.stringify({ workflow: 'w', sessionId: 's-1' }), 's-1'),
    ).toEqual({ id: 'r1' });
  });

  it("refuses another session's job, one that only mentions the id in its input, and bad data", () => {
    expect(sessionJobFacts('t', JSON.stringify({ sessionId: 's-10' }), 's-1')).toBeUndefined();
    const mention = { sessionId: 's-2', input: { text: 's-1' } };
    expect(sessionJobFacts('t', JSON.stringify(mention), 's-1')).toBeUndefined();
    expect(sessionJobFacts('t', '{"sessionId":"s-1"', 's-1')).toBeUndefined();
    expect(sessionJobFacts('t', null, 's-1')).toBeUndefined();
  });
});

describe('costBucketHours', () => {
  it('covers the retention and one hour more, newest first', () => {
    expect(costBucketHours(10 * 60 + 5, 3 * 60, 60)).toEqual([10, 9, 8, 7, 6]);
    expect(costBucketHours(30, 3 * 60, 60)).toEqual([0]);
  });
});

describe('auditEntryNamesSession', () => {
  it('matches the sessionId field or an event naming the session, not review actions', () => {
    expect(auditEntryNamesSession(['action', 'event', 'sessionId', 's-1'], 's-1')).toBe(true);
    expect(auditEntryNamesSession(['event', '{"sessionId":"s-1"}'], 's-1')).toBe(true);
    expect(auditEntryNamesSession(['action', 'event', 'sessionId', 's-10'], 's-1')).toBe(false);
    expect(auditEntryNamesSession(['action', 'resolved', 'eventId', 'sev_1'], 's-1')).toBe(false);
  });
});

describe('anonymisedSafetyEvent', () => {
  it('takes out the session, the run and the hash of the words, and keeps the rest', () => {
    const event = { id: 'sev_1', runId: 'r', sessionId: 's-1', inputHash: 'h', level: 'crisis' };
    expect(JSON.parse(anonymisedSafetyEvent(JSON.stringify(event), 's-1') ?? '{}')).toEqual({
      id: 'sev_1',
      runId: 'erased',
      level: 'crisis',
    });
    expect(anonymisedSafetyEvent(JSON.stringify({ ...event, sessionId: 's-2' }), 's-1')).toBe(
      undefined,
    );
  });
});
