import { AppError } from '../errors/app-error';
import type { CancelTaskOptions, TaskCanceller } from '../tasks/task-canceller';
import type { CancelledRun, WorkflowRuns } from './workflow-runs';

/** Options of {@link WorkflowCanceller}. */
export interface WorkflowCancellerOptions {
  /** Writes a run's cancel marker and reads its steps. */
  runs: WorkflowRuns;
  /** Cancels the run's running step tasks. */
  tasks: TaskCanceller;
}

/** Codes of the step cancellations that mean there is nothing left to stop. */
const NOTHING_TO_STOP = new Set(['not_found', 'task_finished']);

/**
 * Cancels workflow runs from the API: it writes the run's cancel marker (through
 * {@link WorkflowRuns.cancel}, which wakes a parked run), then cancels the run's running step
 * tasks with the {@link TaskCanceller} at once, so that their agents abort them and the engine
 * ends the run as `cancelled` without waiting for its own sweep. Cancelling again answers the
 * same and retries the step cancellations.
 */
export class WorkflowCanceller {
  constructor(private readonly options: WorkflowCancellerOptions) {}

  /**
   * Cancels run `id`. Throws `NotFoundError` for an unknown id, `TaskFinishedError` once the
   * run completed or failed, `RedisUnavailableError` when Redis does not answer.
   */
  async cancel(id: string, options: CancelTaskOptions = {}): Promise<CancelledRun> {
    const answer = await this.options.runs.cancel(id, options);
    const run = await this.options.runs.get(id, options);
    const running = Object.values(run.steps).flatMap((step) =>
      step.status === 'running' && step.taskId !== undefined ? [step.taskId] : [],
    );
    await Promise.all(running.map((taskId) => this.stopStep(id, taskId)));
    return answer;
  }

  private async stopStep(runId: string, taskId: string): Promise<void> {
    try {
      await this.options.tasks.cancel(taskId, {
        reason: `its workflow run '${runId}' was cancelled`,
      });
    } catch (err) {
      if (!(err instanceof AppError && NOTHING_TO_STOP.has(err.code))) throw err;
    }
  }
}
