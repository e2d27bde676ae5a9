import { loadConfig } from '@tta/core';
import { taskJobOptions } from '../../src/tasks/task-job-options';

const { tasks } = loadConfig({ env: {} });

describe('taskJobOptions', () => {
  it("takes the capability's retries over config tasks, and a step's attempts over both", () => {
    expect(taskJobOptions('cap.x~1', tasks)).toMatchObject({
      jobId: 'cap.x~1',
      attempts: tasks.defaultAttempts,
      backoff: {
        type: 'exponential',
        delay: tasks.defaultBackoffMs,
        jitter: tasks.defaultBackoffJitter,
      },
      removeOnComplete: { age: tasks.keepCompletedSeconds, count: tasks.keepCompletedCount },
      removeOnFail: { age: tasks.keepFailedSeconds },
    });
    const capability = { attempts: 7, backoffMs: 42, backoffJitter: 0.25 };
    expect(taskJobOptions('a', tasks, capability)).toMatchObject({
      attempts: 7,
      backoff: { delay: 42, jitter: 0.25 },
    });
    expect(taskJobOptions('a', tasks, capability, 2).attempts).toBe(2);
  });
});
