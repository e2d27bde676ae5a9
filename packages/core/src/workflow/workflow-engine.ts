import { Queue, Worker } from 'bullmq';
import { JobEventMetrics } from '../tasks/job-event-metrics';
import { closeAll } from '../lifecycle/lifecycle';
import type { Logger } from '../telemetry/logger';
import type { QueueNames } from '../queues/queue-names';
import { RunCancelWatcher } from './run-cancel-watcher';
import { RunProcessor } from './run-processor';
import {
  resolveWorkflowEngineOptions,
  type ResolvedWorkflowEngineOptions,
  type WorkflowEngineOptions,
} from './workflow-engine-options';
import { WorkflowMetrics } from './workflow-metrics';
import type { WorkflowRunData, WorkflowRunResult } from './workflow-types';

/** States of a {@link WorkflowEngine}: it may be started again once stopped (leadership comes and goes). */
export type WorkflowEngineState = 'idle' | 'running' | 'stopped';

/** What is open for one shard while the engine runs. */
interface Running {
  processor: RunProcessor;
  queue: Queue<WorkflowRunData, WorkflowRunResult>;
  watcher: RunCancelWatcher;
  worker: Worker<WorkflowRunData, WorkflowRunResult>;
}

/**
 * Drives workflow runs: on every shard, a BullMQ worker of the `workflow` queue whose processor
 * is a {@link RunProcessor}, and a {@link RunCancelWatcher} that wakes cancelled runs. The
 * supervisor starts it while it leads and closes it when it stands by or stops; a run's
 * cursor lives in its job, so another engine goes on with a run where a dead one left it.
 * `start` and `close` are applied one after the other, in call order.
 */
export class WorkflowEngine {
  private readonly options: ResolvedWorkflowEngineOptions;
  private readonly metrics: WorkflowMetrics;
  private readonly jobEvents?: JobEventMetrics;
  private readonly log: Logger;
  private current: WorkflowEngineState = 'idle';
  private running?: Running[];
  private transitions: Promise<void> = Promise.resolve();

  constructor(options: WorkflowEngineOptions) {
    this.options = resolveWorkflowEngineOptions(options);
    this.metrics = new WorkflowMetrics(options.metrics);
    if (options.metrics) this.jobEvents = new JobEventMetrics(options.metrics);
    this.log = options.logger.child({ component: 'workflow-engine' });
  }

  /** `idle` before the first start, `running`, or `stopped` after a close. */
  get state(): WorkflowEngineState {
    return this.current;
  }

  /** Starts processing runs; does nothing while running. */
  start(): Promise<void> {
    return this.chain(() => this.open());
  }

  /**
   * Stops processing runs: runs being processed finish their current step (which is short:
   * adding tasks or reading results), waiting runs stay where they are. Safe to call twice.
   */
  close(): Promise<void> {
    return this.chain(() => this.shut());
  }

  private chain(transition: () => Promise<void>): Promise<void> {
    const next = this.transitions.then(transition);
    this.transitions = next.catch(() => undefined);
    return next;
  }

  private async open(): Promise<void> {
    if (this.current === 'running') return;
    this.running = this.options.shards.all.map((shard) => this.openShard(shard));
    try {
      await Promise.all(
        this.running.flatMap(({ worker, watcher }) => [worker.waitUntilReady(), watcher.start()]),
      );
    } catch (err) {
      await this.shut();
      throw err;
    }
    this.current = 'running';
    this.log.info('workflow engine started', {
      workflows: [...this.options.workflows.keys()],
      shards: this.options.shards.count,
    });
  }

  private openShard(shard: QueueNames): Running {
    const { connection } = this.options;
    const processor = new RunProcessor({ ...this.options, shard }, this.metrics);
    const queue = new Queue<WorkflowRunData, WorkflowRunResult>(shard.workflow, {
      connection,
      prefix: shard.prefix,
    });
    queue.on('error', (err) => this.log.warn('workflow queue error', { error: err.message }));
    const watcher = new RunCancelWatcher({
      connection,
      names: shard,
      queue,
      stopSteps: (job) => processor.stopSteps(job),
      checkWaiting: (job) => processor.enforceScreenDeadline(job),
      logger: this.log,
      sweepIntervalMs: this.options.cancelSweepIntervalMs,
    });
    return { processor, queue, watcher, worker: this.createWorker(processor, shard) };
  }

  private createWorker(
    processor: RunProcessor,
    shard: QueueNames,
  ): Worker<WorkflowRunData, WorkflowRunResult> {
    const o = this.options;
    const worker = new Worker<WorkflowRunData, WorkflowRunResult>(
      shard.workflow,
      (job, token) => processor.process(job, token),
      {
        connection: o.connection,
        prefix: shard.prefix,
        concurrency: o.concurrency,
        lockDuration: o.lockDurationMs,
        stalledInterval: o.stalledIntervalMs,
        maxStalledCount: o.maxStalledCount,
        autorun: true,
      },
    );
    worker.on('error', (err) => this.log.warn('workflow worker error', { error: err.message }));
    this.jobEvents?.countStalled(worker);
    return worker;
  }

  private async shut(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (!running) return;
    const steps = (step: keyof Running, close: (r: Running) => Promise<void>) =>
      running.map((r, i): [string, () => Promise<void>] => [`${step} ${i}`, () => close(r)]);
    // BullMQ's graceful close waits for an `end` event that a connection stuck reconnecting
    // never emits (taskforcesh/bullmq#4656), so with Redis away it would never resolve and no
    // later start() would run. Then the workers close at once: the runs they held cannot move
    // while Redis is away, and their locks lapse so that the next engine takes them over.
    const force = this.options.connection.status !== 'ready';
    await closeAll(
      [
        ...steps('worker', (r) => r.worker.close(force)),
        ...steps('watcher', (r) => r.watcher.close()),
        ...steps('queue', (r) => r.queue.close()),
        ...steps('processor', (r) => r.processor.close()),
      ],
      this.log,
    );
    this.current = 'stopped';
    this.log.info('workflow engine stopped');
  }
}
