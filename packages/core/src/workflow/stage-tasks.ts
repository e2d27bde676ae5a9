import { PayloadCodec } from '../codec/payload-codec';
import type { Job, JobsOptions, Queue } from 'bullmq';
import { taskJobOptions } from '../tasks/task-job-options';
import type { CapabilityCatalog } from '../capabilities/capability-catalog';
import type { AppConfig } from '../config/load-config';
import type { TaskJobData, TaskJobResult } from '../tasks/task';
import { TaskId } from '../queues/task-id';
import type { TaskRouter } from '../routing/task-router';
import { toFieldIssues } from '../errors/zod-issues';
import { evaluateCondition, resolveValue } from './evaluate';
import { runStateOf } from './run-outcome';
import { stepTaskId } from '../queues/step-task-id';
import type {
  RunState,
  StepRecord,
  WorkflowRunData,
  WorkflowStage,
  WorkflowStep,
} from './workflow-types';

/** Options of {@link StageTasks}. */
export interface StageTasksOptions {
  /** The catalog: each step's capability defaults and input schema. */
  catalog: CapabilityCatalog;
  /** Picks the queue of each step's task. */
  router: TaskRouter;
  /** Task defaults and retention, from config `tasks`. */
  tasks: AppConfig['tasks'];
  /** The queue of a name, opened once (e.g. `TaskService.queue`). */
  queue: (name: string) => Queue;
  /** Decrypts the run's state to plan a step, and encrypts the step's input. Default: plain. */
  codec?: PayloadCodec;
}

/** A run's parent job. */
type RunJob = Job<WorkflowRunData>;

interface PlannedTask {
  queue: string;
  taskId: string;
  data: TaskJobData;
  opts: JobsOptions;
}

/**
 * The tasks of a run's stages, as children of the run's parent job: adds one task per runnable
 * step (with an id derived from the run and the step, so that adding again adds nothing), and
 * reads back what they returned or why they failed.
 */
export class StageTasks {
  constructor(private readonly options: StageTasksOptions) {}

  /**
   * Decides every step of `stage` (skipped by its `when`, failed on an input its capability
   * refuses, or a task), adds the tasks the run does not have yet, and returns the run's step
   * records with the stage's steps decided.
   */
  async start(job: RunJob, stage: WorkflowStage): Promise<Record<string, StepRecord>> {
    const state = (this.options.codec ?? PayloadCodec.plain()).decode(runStateOf(job.data));
    const steps = { ...job.data.steps };
    const planned: PlannedTask[] = [];
    for (const step of stage.steps) {
      const decided = await this.decide(job, step, state);
      steps[step.id] = decided.record;
      if (decided.task) planned.push(decided.task);
    }
    await this.addMissing(job, planned);
    return steps;
  }

  /**
   * The run's step records with the stage's running steps finished: `completed` with what
   * their task returned, or `failed` with why (`missingError` when the task is gone without
   * either, as a cancelled one is).
   */
  async collect(
    job: RunJob,
    stage: WorkflowStage,
    missingError = 'the task was removed before it finished',
  ): Promise<Record<string, StepRecord>> {
    const [values, failures] = await this.childrenOutcomes(job);
    const steps = { ...job.data.steps };
    for (const step of stage.steps) {
      const record = steps[step.id];
      if (record?.status !== 'running' || record.taskId === undefined) continue;
      const key = this.keyOf(record.taskId);
      const result = values[key] as TaskJobResult | undefined;
      steps[step.id] = result
        ? completed(record, result)
        : {
            ...record,
            status: 'failed',
            error: failures[key] ?? missingError,
            finishedAt: Date.now(),
          };
    }
    return steps;
  }

  private async decide(
    job: RunJob,
    step: WorkflowStep,
    state: RunState,
  ): Promise<{ record: StepRecord; task?: PlannedTask }> {
    const capability = step.capability;
    if (step.when && !evaluateCondition(step.when, state)) {
      return { record: { status: 'skipped', capability } };
    }
    const entry = this.options.catalog.get(capability);
    let input = resolveValue(step.input, state) as Record<string, unknown>;
    const parsed = entry.schemas?.input.safeParse(input);
    if (parsed && !parsed.success) {
      const issue = toFieldIssues(parsed.error, 'input')[0];
      const error = `invalid ${issue?.path ?? 'input'}: ${issue?.message ?? 'refused'}`;
      return { record: { status: 'failed', capability, error, finishedAt: Date.now() } };
    }
    if (parsed) input = parsed.data as Record<string, unknown>;
    if (this.options.codec) input = this.options.codec.encodeInput(input);
    const recorded = job.data.steps[step.id]?.taskId;
    const queue =
      TaskId.parse(recorded ?? '')?.queue ??
      (await this.options.router.route({ capability })).queue;
    const taskId = stepTaskId(queue, String(job.id), step.id);
    const task = {
      queue,
      taskId,
      data: this.taskData(job, step, input),
      opts: this.taskOptions(step, taskId),
    };
    return { record: { status: 'running', capability, taskId }, task };
  }

  // A normal task's data, so that agents run it unchanged. It carries no `orderedAt`: the run
  // holds its session's turn for all of its steps.
  private taskData(job: RunJob, step: WorkflowStep, input: Record<string, unknown>): TaskJobData {
    const entry = this.options.catalog.get(step.capability);
    const data: TaskJobData = {
      capability: step.capability,
      input,
      timeoutMs: step.timeoutMs ?? entry.timeoutMs ?? this.options.tasks.defaultTimeoutMs,
      enqueuedAt: Date.now(),
    };
    if (job.data.sessionId !== undefined) data.sessionId = job.data.sessionId;
    if (job.data.owner !== undefined) data.owner = job.data.owner;
    return data;
  }

  private taskOptions(step: WorkflowStep, taskId: string): JobsOptions {
    const entry = this.options.catalog.get(step.capability);
    const defaults = this.options.tasks;
    const attempts = step.retries === undefined ? undefined : step.retries + 1;
    // A failed step must not keep the run waiting: its failure is the run's to judge.
    return {
      ...taskJobOptions(taskId, defaults, entry, attempts),
      ignoreDependencyOnFailure: true,
    };
  }

  // A task that finished is known to the parent (its value or its failure) even once its job
  // is removed; one that is pending is recognised by BullMQ by its id and not added twice.
  private async addMissing(job: RunJob, planned: PlannedTask[]): Promise<void> {
    if (planned.length === 0) return;
    const [values, failures] = await this.childrenOutcomes(job);
    const parent = { id: String(job.id), queue: job.queueQualifiedName };
    await Promise.all(
      planned.map(async (p) => {
        const key = this.keyOf(p.taskId);
        if (key in values || key in failures) return;
        await this.options.queue(p.queue).add(p.data.capability, p.data, { ...p.opts, parent });
      }),
    );
  }

  private async childrenOutcomes(
    job: RunJob,
  ): Promise<[Record<string, unknown>, Record<string, string>]> {
    const [values, failures] = await Promise.all([
      job.getChildrenValues<unknown>(),
      job.getIgnoredChildrenFailures(),
    ]);
    return [values ?? {}, failures ?? {}];
  }

  private keyOf(taskId: string): string {
    const queue = TaskId.parse(taskId)?.queue ?? '';
    return this.options.queue(queue).toKey(taskId);
  }
}

function completed(record: StepRecord, result: TaskJobResult): StepRecord {
  const done: StepRecord = {
    ...record,
    status: 'completed',
    output: result.output,
    agentId: result.agentId,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
  };
  if (result.usage) done.usage = result.usage;
  return done;
}
