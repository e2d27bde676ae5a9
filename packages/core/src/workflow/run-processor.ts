import { DelayedError, UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import { AppError } from '../errors/app-error';
import { NoLiveAgentError } from '../errors/no-live-agent-error';
import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import type { QueueNames } from '../queues/queue-names';
import { SessionGate } from '../sessions/session-gate';
import { TaskCanceller } from '../tasks/task-canceller';
import { TaskService } from '../tasks/task-service';
import { evaluateCondition, resolveValue } from './evaluate';
import { SafetyGate } from './safety-gate';
import { SafetyMetrics } from '../safety/safety-metrics';
import { SCREEN_UNAVAILABLE_OUTCOME, type RunSafety } from '../safety/run-safety';
import { CAPACITY_OUTCOME } from '@tta/contracts';
import { CRISIS_OUTCOME, runResult, runStateOf } from './run-outcome';
import { StageTasks } from './stage-tasks';
import type { ResolvedWorkflowEngineOptions } from './workflow-engine-options';
import type { WorkflowMetrics } from './workflow-metrics';
import { CANCELLED_REASON } from './workflow-run-view';
import { COMPLETED_OUTCOME } from './workflow-schema';
import type {
  StepRecord,
  WorkflowDefinition,
  WorkflowProgress,
  WorkflowRunData,
  WorkflowRunResult,
  WorkflowStage,
} from './workflow-types';

/** A run's parent job. */
export type RunJob = Job<WorkflowRunData, WorkflowRunResult>;

/** Options of {@link RunProcessor}: the engine's, and the shard whose `workflow` queue it serves. */
export type RunProcessorOptions = ResolvedWorkflowEngineOptions & {
  /** The shard of the runs processed (their steps' tasks, session orders, cancel markers). */
  shard: QueueNames;
};

/**
 * Drives one run each time its parent job is processed, with BullMQ's step-job pattern: in
 * phase `start` it adds the stage's tasks as children and waits for them
 * (`moveToWaitingChildren` + `WaitingChildrenError`); in phase `waiting` it reads their values
 * and failures, applies each step's failure policy and the stage's `endRunWhen`, and moves the
 * cursor (kept in the job's data) on. A run of a session goes on only in its session's turn; a
 * run whose cancel marker exists ends as cancelled.
 */
export class RunProcessor {
  private readonly service: TaskService;
  private readonly canceller: TaskCanceller;
  private readonly stageTasks: StageTasks;
  private readonly gate: SessionGate;
  private readonly safety: SafetyGate;

  constructor(
    private readonly options: RunProcessorOptions,
    private readonly metrics: WorkflowMetrics,
  ) {
    const { connection: redis, names, shards, shard, catalog, router, tasks, logger } = options;
    this.service = new TaskService(redis, { names, shards, catalog, router, tasks });
    const codec = options.codec;
    this.canceller = new TaskCanceller(redis, {
      names,
      router,
      tasks: this.service,
      ...(options.metrics && { metrics: options.metrics }),
    });
    this.stageTasks = new StageTasks({
      catalog,
      router,
      tasks,
      queue: (n) => this.service.queue(n, shard),
      codec,
    });
    this.gate = new SessionGate({
      connection: redis,
      names,
      shards,
      logger,
      parkMs: options.sessionParkMs,
    });
    this.safety = new SafetyGate({
      connection: redis,
      names,
      config: options.safety,
      metrics: new SafetyMetrics(options.metrics),
      logger,
    });
  }

  /** The processor of the `workflow` queue's worker. */
  async process(job: RunJob, token = ''): Promise<WorkflowRunResult> {
    const log = this.logOf(job);
    try {
      const result = await this.drive(job, token, log);
      await this.leaveSession(job, log);
      this.metrics.runEnded(job.data.workflow, result.outcome);
      log.info('workflow run ended', { outcome: result.outcome, totalMs: result.timings.totalMs });
      return result;
    } catch (err) {
      if (err instanceof WaitingChildrenError || err instanceof DelayedError) throw err;
      const final =
        err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final) {
        await this.leaveSession(job, log);
        const cancelled = toError(err).message === CANCELLED_REASON;
        this.metrics.runEnded(job.data.workflow, cancelled ? 'cancelled' : 'failed');
      }
      log.warn('workflow run attempt failed', { error: toError(err).message, final });
      throw err;
    }
  }

  /** Aborts the running steps of a run (cancelled: each step's task gets its tombstone). */
  async stopSteps(job: Job<WorkflowRunData>): Promise<void> {
    const running = Object.values(job.data.steps).filter((r) => r.status === 'running');
    await Promise.all(
      running.map(async ({ taskId }) => {
        if (taskId === undefined) return;
        try {
          await this.canceller.cancel(taskId, { reason: 'its workflow run was cancelled' });
        } catch (err) {
          // Already finished, or gone: nothing left to stop.
          if (!(err instanceof AppError)) throw err;
        }
      }),
    );
  }

  /** Closes the queues and look-ups it opened (not the shared connection). */
  async close(): Promise<void> {
    await Promise.allSettled([this.gate.close(), this.service.close(), this.safety.close()]);
  }

  private async drive(job: RunJob, token: string, log: Logger): Promise<WorkflowRunResult> {
    const definition = this.options.workflows.get(job.data.workflow);
    if (!definition) throw new UnrecoverableError(`unknown workflow '${job.data.workflow}'`);
    if (await this.isCancelled(job)) return this.cancel(job, definition, log);
    if (SessionGate.applies(job) && !(await this.gate.enter(job, token))) {
      throw new DelayedError('waiting for an earlier run or task of its session');
    }
    if (job.data.startedAt === undefined) {
      await job.updateData({ ...job.data, startedAt: Date.now() });
    }
    for (;;) {
      const index = job.data.cursor.stage;
      const stage = definition.stages[index];
      if (!stage) return this.finish(job, definition, COMPLETED_OUTCOME, log);
      if (job.data.cursor.phase === 'start') await this.startStage(job, stage, index);
      if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
      const outcome = await this.endStage(job, definition, index);
      if (outcome !== undefined) return this.finish(job, definition, outcome, log);
    }
  }

  private async startStage(job: RunJob, stage: WorkflowStage, index: number): Promise<void> {
    await this.progress(job, { type: 'stage', stage: stage.name, index });
    const steps = await this.startTasks(job, stage);
    const cursor = { stage: index, phase: 'waiting' as const, stageStartedAt: Date.now() };
    await job.updateData({ ...job.data, steps, cursor });
    await this.reportSteps(job, stage, {});
  }

  // A stage with a safety screen that cannot be routed (no live agent, and config refuses)
  // records its screen as failed instead: the run then fails closed, never goes on unscreened.
  private async startTasks(job: RunJob, stage: WorkflowStage): Promise<Record<string, StepRecord>> {
    try {
      return await this.stageTasks.start(job, stage);
    } catch (err) {
      const screen = SafetyGate.screenStep(stage);
      if (!screen || !(err instanceof NoLiveAgentError)) throw err;
      const steps = { ...job.data.steps };
      for (const step of stage.steps)
        steps[step.id] = { status: 'skipped', capability: step.capability };
      steps[screen.id] = {
        status: 'failed',
        capability: screen.capability,
        error: err.message,
        finishedAt: Date.now(),
      };
      return steps;
    }
  }

  // Returns the outcome when the run ends after this stage; throws when a `fail` step failed.
  private async endStage(
    job: RunJob,
    definition: WorkflowDefinition,
    index: number,
  ): Promise<string | undefined> {
    const stage = definition.stages[index] as WorkflowStage;
    const before = job.data.steps;
    const startedAt = job.data.cursor.stageStartedAt;
    const steps = await this.stageTasks.collect(job, stage);
    const gate = await this.passGate(job, stage, before, steps);
    const failed = gate.outcome
      ? undefined
      : stage.steps.find((s) => s.onFailure === 'fail' && steps[s.id]?.status === 'failed');
    const state = runStateOf({ ...job.data, steps, ...(gate.safety && { safety: gate.safety }) });
    let outcome: string | undefined = gate.outcome;
    if (outcome === undefined && !failed) {
      if (stage.endRunWhen && evaluateCondition(stage.endRunWhen, this.options.codec.decode(state)))
        outcome = stage.endOutcome;
      // A run taken while Redis was short of memory stops once its screen found no crisis.
      else if (job.data.screenOnly === true && SafetyGate.screenStep(stage))
        outcome = CAPACITY_OUTCOME;
      else if (index + 1 >= definition.stages.length) outcome = COMPLETED_OUTCOME;
    }
    const cursor =
      failed || outcome ? job.data.cursor : { stage: index + 1, phase: 'start' as const };
    await job.updateData({
      ...job.data,
      steps,
      cursor,
      ...(gate.safety && { safety: gate.safety }),
    });
    this.countScreens(stage, before, steps);
    this.timeSteps(definition.name, stage, before, steps, startedAt);
    await this.reportSteps(job, stage, before);
    if (failed) {
      throw new UnrecoverableError(
        `step '${failed.id}' failed: ${steps[failed.id]?.error ?? 'failed'}`,
      );
    }
    return outcome;
  }

  private async finish(
    job: RunJob,
    definition: WorkflowDefinition,
    outcome: string,
    log: Logger,
  ): Promise<WorkflowRunResult> {
    const { crisisMessage, crisisResources } = this.options.safety;
    const crisis = { message: crisisMessage, resources: crisisResources };
    const result = runResult(definition, job.data, outcome, crisis);
    if (outcome === CRISIS_OUTCOME || outcome === SCREEN_UNAVAILABLE_OUTCOME) {
      if (outcome === CRISIS_OUTCOME) this.metrics.crisis();
      log.warn('workflow run ended by its safety gate', {
        outcome,
        categories: job.data.safety?.categories ?? [],
      });
    }
    return result;
  }

  private async cancel(job: RunJob, definition: WorkflowDefinition, log: Logger): Promise<never> {
    await this.stopSteps(job);
    const stage = definition.stages[job.data.cursor.stage];
    if (stage) {
      const steps = await this.stageTasks.collect(job, stage, CANCELLED_REASON);
      const before = job.data.steps;
      const startedAt = job.data.cursor.stageStartedAt;
      await job.updateData({ ...job.data, steps });
      this.timeSteps(definition.name, stage, before, steps, startedAt);
      await this.reportSteps(job, stage, before);
    }
    log.info('workflow run cancelled');
    throw new UnrecoverableError(CANCELLED_REASON);
  }

  // When the stage's safety screen ended now: the gate's decision (see SafetyGate).
  private async passGate(
    job: RunJob,
    stage: WorkflowStage,
    before: Record<string, StepRecord>,
    steps: Record<string, StepRecord>,
  ): Promise<{ safety?: RunSafety; outcome?: string }> {
    const screen = SafetyGate.screenStep(stage);
    const record = screen && steps[screen.id];
    if (!screen || !record || before[screen.id]?.status === record.status) return {};
    if (record.status !== 'completed' && record.status !== 'failed') return {};
    const state = this.options.codec.decode(runStateOf(job.data));
    const input = resolveValue(screen.input, state) as { text?: unknown };
    const text = typeof input.text === 'string' ? input.text : undefined;
    const run = { id: String(job.id), data: { ...job.data, steps } };
    return this.safety.decide(run, this.options.shard, screen, text);
  }

  /**
   * Fails closed a run whose safety screen has not answered within `safety.screenDeadlineMs`
   * of its stage's start (no live worker, a hung or retried screen): the stage's running tasks
   * are cancelled, which releases the run, and its gate then ends it as `screen_unavailable`.
   */
  async enforceScreenDeadline(job: Job<WorkflowRunData>): Promise<void> {
    const definition = this.options.workflows.get(job.data.workflow);
    const stage = definition?.stages[job.data.cursor.stage];
    if (!stage) return;
    const screen = SafetyGate.screenStep(stage);
    const startedAt = job.data.cursor.stageStartedAt;
    if (!screen || job.data.steps[screen.id]?.status !== 'running' || startedAt === undefined) {
      return;
    }
    const deadlineMs = this.options.safety.screenDeadlineMs;
    if (Date.now() - startedAt < deadlineMs) return;
    // Every step of the stage still running is cancelled: the run ends without them anyway,
    // and one served by the same missing agent (parsing) would keep it waiting.
    const reason = `the safety screen did not answer within ${deadlineMs} ms`;
    await Promise.all(
      stage.steps.map(async (step) => {
        const taskId = job.data.steps[step.id]?.taskId;
        if (job.data.steps[step.id]?.status !== 'running' || taskId === undefined) return;
        try {
          await this.canceller.cancel(taskId, { reason });
        } catch (err) {
          // Finished meanwhile, or gone: the run wakes on its own.
          if (!(err instanceof AppError)) throw err;
        }
      }),
    );
  }

  private countScreens(
    stage: WorkflowStage,
    before: Record<string, StepRecord>,
    after: Record<string, StepRecord>,
  ): void {
    for (const step of stage.steps) {
      const record = after[step.id];
      if (record?.capability !== 'safety.screen' || record.status !== 'completed') continue;
      if (before[step.id]?.status === 'completed') continue;
      const level = (record.output as { level?: unknown } | undefined)?.level;
      this.metrics.screened(typeof level === 'string' ? level : 'unknown');
    }
  }

  // Steps that ran a task and ended now, timed from when the stage added its tasks (or, for a
  // run whose cursor predates that record, from when the task started).
  private timeSteps(
    workflow: string,
    stage: WorkflowStage,
    before: Record<string, StepRecord>,
    after: Record<string, StepRecord>,
    stageStartedAt: number | undefined,
  ): void {
    for (const step of stage.steps) {
      const record = after[step.id];
      if (before[step.id]?.status !== 'running' || record === undefined) continue;
      if (record.status !== 'completed' && record.status !== 'failed') continue;
      const from = stageStartedAt ?? record.startedAt;
      if (from === undefined) continue;
      this.metrics.stepEnded(
        workflow,
        step.id,
        record.status,
        (record.finishedAt ?? Date.now()) - from,
      );
    }
  }

  // One progress event per step of the stage whose status changed.
  private async reportSteps(
    job: RunJob,
    stage: WorkflowStage,
    before: Record<string, StepRecord>,
  ): Promise<void> {
    for (const step of stage.steps) {
      const record = job.data.steps[step.id];
      if (!record || record.status === before[step.id]?.status) continue;
      const progress: WorkflowProgress = { type: 'step', step: step.id, status: record.status };
      if (record.taskId !== undefined) progress.taskId = record.taskId;
      await this.progress(job, progress);
    }
  }

  private progress(job: RunJob, progress: WorkflowProgress): Promise<void> {
    return job.updateProgress(progress);
  }

  private async isCancelled(job: RunJob): Promise<boolean> {
    const key = this.options.shard.key('cancelled', String(job.id));
    return (await this.options.connection.exists(key)) === 1;
  }

  private async leaveSession(job: RunJob, log: Logger): Promise<void> {
    if (!SessionGate.applies(job)) return;
    try {
      await this.gate.leave(job);
    } catch (err) {
      log.warn('session order: could not hand the turn on', { error: toError(err).message });
    }
  }

  private logOf(job: RunJob): Logger {
    return this.options.logger.child({
      workflowRunId: job.id,
      workflow: job.data.workflow,
      ...sessionOf(job),
    });
  }
}

function sessionOf(job: RunJob): { sessionId?: string } {
  return job.data.sessionId === undefined ? {} : { sessionId: job.data.sessionId };
}
