import type { TaskView } from '@tta/contracts';
import type { TaskTombstone } from '@tta/core';
import { cancelledView, tombstoneFields } from '../../src/tasks/task-tombstones';

const tombstone: TaskTombstone = {
  taskId: 'cap.input.parse~00000000-0000-4000-8000-000000000000',
  capability: 'input.parse',
  queue: 'cap.input.parse',
  input: { text: 'hi' },
  sessionId: 's-1',
  enqueuedAt: 1000,
  cancelledAt: 2000,
  reason: 'player left',
};

describe('task tombstones', () => {
  it('flattens into HSET arguments, with the input as JSON', () => {
    const fields = tombstoneFields(tombstone);
    const hash = Object.fromEntries(
      Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]),
    );
    expect(hash).toEqual({
      taskId: tombstone.taskId,
      capability: 'input.parse',
      queue: 'cap.input.parse',
      input: '{"text":"hi"}',
      sessionId: 's-1',
      enqueuedAt: '1000',
      cancelledAt: '2000',
      reason: 'player left',
    });
  });

  it('reads a task whose job is gone from its tombstone', () => {
    expect(cancelledView(tombstone)).toEqual({
      id: tombstone.taskId,
      status: 'cancelled',
      capability: 'input.parse',
      queue: 'cap.input.parse',
      input: { text: 'hi' },
      sessionId: 's-1',
      attempts: 0,
      cancelledAt: 2000,
      cancelReason: 'player left',
      timings: { enqueuedAt: 1000 },
    });
  });

  it('reads a task whose job remains from the job, as cancelled, without result or error', () => {
    const job: TaskView = {
      id: tombstone.taskId,
      status: 'failed',
      capability: 'input.parse',
      queue: 'cap.input.parse',
      input: { text: 'hi' },
      attempts: 1,
      agentId: 'agent-1',
      error: { message: 'cancelled' },
      result: 'late',
      timings: { enqueuedAt: 1000, startedAt: 1500 },
    };
    const view = cancelledView(tombstone, job);
    expect(view).toMatchObject({ status: 'cancelled', attempts: 1, agentId: 'agent-1' });
    expect(view).not.toHaveProperty('error');
    expect(view).not.toHaveProperty('result');
    expect(job.status).toBe('failed');
  });
});
