import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import type { BacklogReconciliation, OwnerBacklog } from './owner-backlog';

/** Options of {@link BacklogReconciler}. */
export interface BacklogReconcilerOptions {
  /** The owners' waiting tasks. */
  backlog: OwnerBacklog;
  /** Time between reconciliations. Default: 30,000 ms. */
  intervalMs?: number;
  /** Counted tasks younger than this are left alone (see {@link OwnerBacklog.reconcile}). Default: 60,000 ms. */
  olderThanMs?: number;
  /** Told what each reconciliation removed, and its failures. Default: none. */
  logger?: Logger;
}

/**
 * Reconciles the owners' counts of waiting tasks with the jobs every `intervalMs`, while the
 * supervisor that owns it leads (`start` on leading, `stop` on standing by).
 */
export class BacklogReconciler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<BacklogReconciliation | undefined>;

  constructor(private readonly options: BacklogReconcilerOptions) {}

  /** Starts reconciling every `intervalMs` (the first after one interval). */
  start(): Promise<void> {
    if (!this.timer) {
      this.timer = setInterval(() => void this.reconcile(), this.options.intervalMs ?? 30_000);
      this.timer.unref();
    }
    return Promise.resolve();
  }

  /** Stops, after the reconciliation under way. Safe to call twice. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Reconciles now (shares one under way); resolves `undefined` when it failed. */
  reconcile(): Promise<BacklogReconciliation | undefined> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<BacklogReconciliation | undefined> {
    try {
      const done = await this.options.backlog.reconcile(this.options.olderThanMs ?? 60_000);
      if (done.removed > 0) this.options.logger?.info('owner backlogs reconciled', { ...done });
      return done;
    } catch (err) {
      this.options.logger?.warn('owner backlogs not reconciled', { error: toError(err).message });
      return undefined;
    }
  }
}
