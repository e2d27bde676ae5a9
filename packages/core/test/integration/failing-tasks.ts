import { Queue, UnrecoverableError, Worker, type JobsOptions } from 'bullmq';
import { TaskId, type QueueNames, type TaskJobData } from '@tta/core';
import { waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';

/** How a failing task's handler fails. */
export interface FailingInput extends Record<string, unknown> {
  /** The error message the handler throws. */
  message: string;
  /** Throw BullMQ's UnrecoverableError instead of an Error. */
  unrecoverable?: boolean;
}

/** One task to fail: its input and job options (the id is made up from the queue). */
export interface FailingTask {
  input: FailingInput;
  opts?: JobsOptions;
  sessionId?: string;
}

/** The name the failing worker takes, as an agent's runtime would. */
export const FAILING_AGENT_ID = 'agent-failing-1';

/** The data of a task of `capability`, as TaskService stores it. */
export function taskData(
  capability: string,
  input: Record<string, unknown>,
  sessionId?: string,
): TaskJobData {
  const data: TaskJobData = { capability, input, timeoutMs: 5000, enqueuedAt: Date.now() };
  if (sessionId !== undefined) data.sessionId = sessionId;
  return data;
}

/**
 * Adds the tasks to the capability queue of `capability` and runs them with a real BullMQ
 * worker whose handler always throws, until every one of them has failed: it is in the
 * `failed` set, or gone from the queue because a running supervisor already moved it to the
 * dead-letter queue. Returns their ids in order.
 */
export async function failTasks(
  redis: Redis,
  names: QueueNames,
  capability: string,
  tasks: FailingTask[],
): Promise<string[]> {
  const name = names.capability(capability);
  const queue = new Queue(name, { connection: redis, prefix: names.prefix });
  const worker = new Worker<TaskJobData>(
    name,
    (job) => {
      const input = job.data.input as FailingInput;
      throw input.unrecoverable ? new UnrecoverableError(input.message) : new Error(input.message);
    },
    { connection: redis, prefix: names.prefix, name: FAILING_AGENT_ID, concurrency: 4 },
  );
  try {
    const ids: string[] = [];
    for (const task of tasks) {
      const id = TaskId.create(name);
      const data = taskData(capability, task.input, task.sessionId);
      await queue.add(capability, data, { attempts: 1, ...task.opts, jobId: id });
      ids.push(id);
    }
    await waitFor(
      async () => {
        const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
        return states.every((state) => state === 'failed' || state === 'unknown');
      },
      { what: `${ids.length} failed task(s) in ${name}` },
    );
    return ids;
  } finally {
    await worker.close();
    await queue.close();
  }
}
