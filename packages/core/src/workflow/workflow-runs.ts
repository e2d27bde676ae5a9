import { PayloadCodec } from '../codec/payload-codec';
import { Job, Queue, type JobsOptions } from 'bullmq';
import { taskJobOptions } from '../tasks/task-job-options';
import type { CapabilityCatalog } from '../capabilities/capability-catalog';
import type { AppConfig } from '../config/load-config';
import { NotFoundError } from '../errors/not-found-error';
import { RedisUnavailableError } from '../errors/redis-unavailable-error';
import { redisFailure } from '../errors/redis-failure';
import { TaskFinishedError } from '../errors/task-finished-error';
import { UnknownWorkflowError } from '../errors/unknown-workflow-error';
import { ValidationError } from '../errors/validation-error';
import type { QueueNames } from '../queues/queue-names';
import { QueueShards } from '../queues/queue-shards';
import type { SessionBudget } from '../sessions/session-budget';
import { SessionOrder } from '../sessions/session-order';
import { SessionOwners } from '../sessions/session-owners';
import { TaskId } from '../queues/task-id';
import { TaskTombstones, tombstoneOf } from '../tasks/task-tombstones';
import { withinScope, type OwnerScope } from '../auth/owner-scope';
import { assertOwned, type CancelTaskOptions } from '../tasks/task-canceller';
import { MAX_CANCEL_REASON_LENGTH } from '@tta/contracts';
import { parseRunRequest } from './run-request';
import { cancelledRunView, toRunView } from './workflow-run-view';
import type {
  WorkflowDefinition,
  WorkflowRunData,
  WorkflowRunResult,
  WorkflowRunView,
} from './workflow-types';
import type { RedisClient } from '../redis/redis-connection';
import type { AdmissionControl } from '../admission/admission-control';
import { SafetyGate } from './safety-gate';

/** Options of {@link WorkflowRuns}. */
export interface WorkflowRunsOptions {
  /** Queue and key names of the deployment (its control shard). */
  names: QueueNames;
  /**
   * The shards runs are spread over: a run of a session goes to its session's shard (where its
   * steps' tasks go too), one without a session to the next shard in turn. Default: the one
   * shard of `names`.
   */
  shards?: QueueShards;
  /** The workflows runs may be started of, from {@link loadWorkflows}. */
  workflows: ReadonlyMap<string, WorkflowDefinition>;
  /** The capability catalog, to check the inputs of a run's first steps before it is queued. */
  catalog: CapabilityCatalog;
  /** Retention and retry defaults, from config `tasks`: a run's job is kept as a task's is. */
  tasks: AppConfig['tasks'];
  /**
   * How long the cancel marker of a run, and so its `cancelled` status, stays readable.
   * Default: `tasks.keepFailedSeconds`.
   */
  tombstoneTtlMs?: number;
  /** Refuses runs of sessions that spent their LLM budget (429 `budget_exceeded`). Default: none. */
  sessionBudget?: SessionBudget;
  /** Encrypts the configured fields of run input; decrypts what `get` answers. Default: plain. */
  codec?: PayloadCodec;
  /**
   * While Redis is short of memory, refuses runs (503 `capacity`) except those of a workflow
   * with a safety screen, which run only up to their screen (see `screenOnly`). Default: none.
   */
  admission?: AdmissionControl;
}

/** The answer to an accepted run. */
export interface StartedRun {
  /** The run's id: `workflow~<uuid>` (`workflow~<shard>~<uuid>` past shard 0). */
  id: string;
  /** Always `queued`: the run's job is stored. */
  status: 'queued';
  /** The workflow's name. */
  workflow: string;
}

/** The answer to a cancelled run. */
export interface CancelledRun {
  /** The cancelled run. */
  id: string;
  /** Always `cancelled`: the engine ends the run as such (at once unless a step is running). */
  status: 'cancelled';
}

/** What runs use of one shard: its `workflow` queue, session orders and cancel markers. */
interface RunShard {
  queue: Queue<WorkflowRunData, WorkflowRunResult>;
  order: SessionOrder;
  tombstones: TaskTombstones;
}

/**
 * Starts workflow runs (validate, admit to the session's order, add the parent job to the
 * `workflow` queue, where the supervisor's {@link WorkflowEngine} drives it), reads them back
 * and cancels them. Bad input never reaches Redis; a run is acknowledged once its job is stored.
 */
export class WorkflowRuns {
  private readonly shards: QueueShards;
  /** By shard index. */
  private readonly byShard: RunShard[];
  private closing?: Promise<void>;

  private readonly sessionOwners: SessionOwners;
  private readonly codec: PayloadCodec;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: WorkflowRunsOptions,
  ) {
    this.shards = options.shards ?? new QueueShards(options.names.prefix);
    this.sessionOwners = new SessionOwners(redis);
    this.codec = options.codec ?? PayloadCodec.plain();
    this.byShard = this.shards.all.map((names) => {
      const queue = new Queue<WorkflowRunData, WorkflowRunResult>(names.workflow, {
        connection: redis,
        prefix: names.prefix,
      });
      queue.on('error', () => undefined);
      return {
        queue,
        order: new SessionOrder(redis, { names }),
        tombstones: new TaskTombstones(redis, { names }),
      };
    });
  }

  /** The definition of `name`; throws {@link UnknownWorkflowError} when there is none. */
  definition(name: string): WorkflowDefinition {
    const definition = this.options.workflows.get(name);
    if (!definition) throw new UnknownWorkflowError(name, [...this.options.workflows.keys()]);
    return definition;
  }

  /**
   * Validates `body` (`{ input, sessionId? }`) against workflow `name` and queues a run.
   * Throws {@link UnknownWorkflowError}, {@link ValidationError} naming the field,
   * `BudgetExceededError` (its session spent its budget) or {@link RedisUnavailableError}.
   * The run, and its step tasks, belong to `scope.owner`.
   */
  async start(name: string, body: unknown, scope: OwnerScope = {}): Promise<StartedRun> {
    const definition = this.definition(name);
    const request = parseRunRequest(definition, body, this.options.catalog);
    const screenOnly = this.admitUnderPressure(definition);
    const shard = this.shards.pick(request.sessionId);
    const { queue, order } = this.shardOf(shard);
    const id = TaskId.create(shard.workflow, shard.shard);
    const data: WorkflowRunData = {
      workflow: name,
      input: this.codec.encodeInput(request.input),
      enqueuedAt: Date.now(),
      cursor: { stage: 0, phase: 'start' },
      steps: {},
    };
    if (scope.owner !== undefined) data.owner = scope.owner;
    if (screenOnly) data.screenOnly = true;
    if (request.sessionId !== undefined) {
      data.sessionId = request.sessionId;
      data.orderedAt = data.enqueuedAt;
    }
    await this.guard(async () => {
      if (data.sessionId !== undefined && data.owner !== undefined) {
        await this.sessionOwners.claim(shard, data.sessionId, data.owner);
      }
      await this.options.sessionBudget?.assertWithin([data.sessionId]);
      // A run of a session joins its order before its job exists (see SessionOrder).
      if (data.sessionId !== undefined && data.orderedAt !== undefined) {
        await order.admit(data.sessionId, [SessionOrder.entry(id, data.orderedAt)]);
      }
      await queue.add(name, data, runJobOptions(id, this.options.tasks));
    });
    return { id, status: 'queued', workflow: name };
  }

  /**
   * A run by id; throws {@link NotFoundError} for an unknown or expired id, and for another
   * owner's run (outside `scope`).
   */
  async get(id: string, scope: OwnerScope = {}): Promise<WorkflowRunView> {
    const { queue, tombstones } = this.shardOfRun(id);
    return this.guard(async () => {
      // State before job: a run read first could end in between and read `completed` without
      // its result.
      const state = await queue.getJobState(id);
      const [job, tombstone] = await Promise.all([
        Job.fromId<WorkflowRunData, WorkflowRunResult>(queue, id),
        tombstones.read(id),
      ]);
      const owner = job ? job.data.owner : tombstone?.owner;
      if ((job || tombstone) && !withinScope(scope, owner)) {
        throw new NotFoundError('workflow run', id);
      }
      if (!job) {
        if (tombstone) return this.codec.decode(cancelledRunView(tombstone));
        throw new NotFoundError('workflow run', id);
      }
      const definition = this.options.workflows.get(job.data.workflow);
      return this.codec.decode(toRunView(job, state, definition, tombstone));
    });
  }

  /**
   * Cancels a run: writes its cancel marker (`<prefix>:cancelled:<runId>`), wakes it if it is
   * parked, and announces it on the cancel channel, so that the engine aborts its running steps
   * and ends it as `cancelled`. Throws {@link NotFoundError}, or {@link TaskFinishedError} once
   * the run completed or failed. Cancelling again answers the same.
   */
  async cancel(id: string, options: CancelTaskOptions = {}): Promise<CancelledRun> {
    const reason = options.reason ?? 'cancelled by request';
    if (reason.length > MAX_CANCEL_REASON_LENGTH) {
      throw new ValidationError([
        { path: 'reason', message: `must be at most ${MAX_CANCEL_REASON_LENGTH} characters` },
      ]);
    }
    const shard = this.shardOfRun(id);
    return this.guard(async () => {
      const job = await Job.fromId<WorkflowRunData, WorkflowRunResult>(shard.queue, id);
      const owned = [job?.data.owner, job !== undefined, options, 'workflow run'] as const;
      await assertOwned(shard.tombstones, id, ...owned);
      const ttlMs = this.options.tombstoneTtlMs ?? this.options.tasks.keepFailedSeconds * 1000;
      const outcome = job
        ? await shard.tombstones.write(
            shard.queue,
            tombstoneOf(shard.queue, job, job.data.workflow, reason),
            ttlMs,
          )
        : await shard.tombstones.outcomeWithoutJob(id);
      if (outcome === 'missing') throw new NotFoundError('workflow run', id);
      if (outcome === 'completed' || outcome === 'failed') throw new TaskFinishedError(id, outcome);
      if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
      await this.redis.publish(shard.tombstones.channel, id);
      return { id, status: 'cancelled' };
    });
  }

  /** Closes the queues this object opened (not the shared connection). Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled(this.byShard.map(({ queue }) => queue.close())).then(
      () => undefined,
    );
    return this.closing;
  }

  // A player in crisis must still get the supportive response while Redis is short of memory:
  // a run of a workflow with a safety screen is taken to run its screen only; any other is
  // refused. Returns whether the run is taken that way.
  private admitUnderPressure(definition: WorkflowDefinition): boolean {
    const admission = this.options.admission;
    if (!admission?.underPressure) return false;
    if (!definition.stages.some((stage) => SafetyGate.screenStep(stage))) {
      throw admission.capacityError();
    }
    return true;
  }

  private shardOf(names: QueueNames): RunShard {
    return this.byShard[names.shard] as RunShard;
  }

  // The shard a run id names; an id of another queue, or of no shard here, is unknown.
  private shardOfRun(id: string): RunShard {
    const shard = this.shards.forId(id);
    if (!shard || TaskId.parse(id)?.queue !== shard.workflow) {
      throw new NotFoundError('workflow run', id);
    }
    return this.shardOf(shard);
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') throw new RedisUnavailableError();
    try {
      return await work();
    } catch (err) {
      throw redisFailure(err, this.redis);
    }
  }
}

/**
 * Job options of a run's parent job: retried on unexpected errors (its cursor makes a retry go
 * on where it stopped), kept as long as tasks are.
 */
export function runJobOptions(id: string, tasks: AppConfig['tasks']): JobsOptions {
  return taskJobOptions(id, tasks);
}
