import { DelayedError, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { SessionGate, toError, type Logger, type TaskJobData, type TaskJobResult } from '@tta/core';
import type { TaskExecutor } from './task-executor';

type TaskJob = Job<TaskJobData, TaskJobResult>;

/**
 * Runs a job through the executor; a task that runs in session order first waits for its turn
 * (parked as a delayed job meanwhile) and hands the turn on when it ends for good.
 */
export async function executeInSessionOrder(
  job: TaskJob,
  token: string | undefined,
  deps: { gate: SessionGate; tasks: TaskExecutor; log: Logger },
): Promise<TaskJobResult> {
  const { gate, tasks } = deps;
  if (!SessionGate.applies(job)) return tasks.execute(job, token);
  if (!(await gate.enter(job, token))) {
    throw new DelayedError('waiting for an earlier task of its session');
  }
  try {
    const result = await tasks.execute(job, token);
    await leaveSession(job, deps);
    return result;
  } catch (err) {
    const final =
      err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (final && !(err instanceof WaitingError)) await leaveSession(job, deps);
    throw err;
  }
}

async function leaveSession(job: TaskJob, deps: { gate: SessionGate; log: Logger }) {
  try {
    await deps.gate.leave(job);
  } catch (err) {
    deps.log.warn('session order: could not hand the turn on', {
      taskId: job.id,
      error: toError(err).message,
    });
  }
}
