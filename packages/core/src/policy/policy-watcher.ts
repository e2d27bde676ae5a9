import { watch, type FSWatcher } from 'node:fs';
import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import type { PolicyManager } from './policy-manager';

/** Options of {@link PolicyWatcher}. */
export interface PolicyWatcherOptions {
  /** The manager whose `reload()` runs on each change. */
  policies: Pick<PolicyManager, 'reload'>;
  /** The policy directory to watch. */
  dir: string;
  /** Receives reload outcomes and watch failures. */
  logger: Logger;
  /** Quiet time after the last file event before the reload, so that an editor's save is one reload. Default: 300 ms. */
  debounceMs?: number;
}

/**
 * Reloads the tool policy when a file of the policy directory changes (`fs.watch`, debounced).
 * The supervisor runs one while it leads, so one process applies each change; `start()` also
 * reloads at once, so that policy files changed while no one watched (a deploy) are applied.
 */
export class PolicyWatcher {
  private readonly debounceMs: number;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private reloading: Promise<void> = Promise.resolve();

  constructor(private readonly options: PolicyWatcherOptions) {
    this.debounceMs = options.debounceMs ?? 300;
    if (!Number.isInteger(this.debounceMs) || this.debounceMs < 0) {
      throw new TypeError('PolicyWatcher: debounceMs must be a non-negative integer');
    }
  }

  /** Whether the directory is watched now. */
  get watching(): boolean {
    return this.watcher !== undefined;
  }

  /** Reloads once, then watches the directory. No-op while watching. Never throws. */
  async start(): Promise<void> {
    if (this.watcher) return;
    try {
      this.watcher = watch(this.options.dir, () => this.schedule());
      this.watcher.on('error', (err) =>
        this.options.logger.warn('policy directory watch failed', { error: err.message }),
      );
    } catch (err) {
      this.options.logger.warn('cannot watch the policy directory', {
        dir: this.options.dir,
        error: toError(err).message,
      });
    }
    await this.enqueueReload('leader start');
  }

  /** Stops watching and waits for a reload in progress. Safe to call twice. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    await this.reloading;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.enqueueReload('file change'), this.debounceMs);
  }

  // One reload at a time, in order: a change during a reload is read by the next one.
  private enqueueReload(trigger: string): Promise<void> {
    this.reloading = this.reloading.then(() => this.reload(trigger));
    return this.reloading;
  }

  private async reload(trigger: string): Promise<void> {
    try {
      const result = await this.options.policies.reload(trigger);
      if (result.applied && result.changed) {
        this.options.logger.info('policy files applied', {
          version: result.status.version,
          trigger,
        });
      }
    } catch (err) {
      this.options.logger.warn('policy reload failed', { trigger, error: toError(err).message });
    }
  }
}
