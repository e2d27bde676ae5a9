import { IllegalStateError } from '../errors/illegal-state-error';
import type { Logger } from '../telemetry/logger';

/** States of a long-lived object (agent runtime, supervisor). */
export type LifecycleState = 'idle' | 'running' | 'draining' | 'stopped' | 'failed';

const ALLOWED: Record<LifecycleState, readonly LifecycleState[]> = {
  idle: ['running', 'stopped', 'failed'],
  running: ['draining', 'stopped', 'failed'],
  draining: ['stopped', 'failed'],
  stopped: [],
  failed: ['stopped'],
};

/** Holds a state and refuses transitions the table above does not allow. */
export class Lifecycle {
  private current: LifecycleState = 'idle';

  constructor(private readonly what: string) {}

  /** The current state. */
  get state(): LifecycleState {
    return this.current;
  }

  /** Moves to `next`, or throws {@link IllegalStateError}. */
  transition(next: LifecycleState): void {
    if (!ALLOWED[this.current].includes(next)) {
      throw new IllegalStateError(this.what, this.current, next);
    }
    this.current = next;
  }
}

/** Options of {@link handleShutdownSignals}. */
export interface ShutdownOptions {
  logger: Logger;
  /** Called once on the first SIGTERM/SIGINT; the process exits 0 when it resolves, 1 if it throws. */
  shutdown: (signal: NodeJS.Signals) => Promise<void>;
  /** Hard limit of the graceful shutdown before the process is forced out. Default: 30,000 ms. */
  forceAfterMs?: number;
  /** The process to watch, for tests. Default: `process`. */
  proc?: NodeJS.Process;
}

/**
 * The one place a process handles SIGTERM and SIGINT: the first signal shuts down gracefully
 * and exits 0; a second signal (or the hard limit) exits 1 at once. A process whose parent
 * holds an IPC channel to it also shuts down when that channel closes.
 */
export function handleShutdownSignals(options: ShutdownOptions): void {
  const proc = options.proc ?? process;
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      options.logger.warn('second signal: forcing exit', { signal });
      proc.exit(1);
      return;
    }
    shuttingDown = true;
    options.logger.info('shutting down', { signal });
    const timer = setTimeout(() => {
      options.logger.error('graceful shutdown took too long: forcing exit');
      proc.exit(1);
    }, options.forceAfterMs ?? 30_000);
    timer.unref();
    options.shutdown(signal).then(
      () => {
        clearTimeout(timer);
        proc.exit(0);
      },
      (err: unknown) => {
        options.logger.error('shutdown failed', { error: String(err) });
        proc.exit(1);
      },
    );
  };
  proc.on('SIGTERM', onSignal);
  proc.on('SIGINT', onSignal);
  // Started by a parent with an IPC channel (npm start, the local executor): when the parent
  // goes away, shut down rather than live on as an orphan.
  if (proc.send !== undefined) proc.once('disconnect', () => onSignal('SIGTERM'));
}

/** Runs close steps in order, each in its own try/catch; returns the errors. */
export async function closeAll(
  steps: Array<[name: string, close: () => unknown]>,
  logger?: Logger,
): Promise<Error[]> {
  const errors: Error[] = [];
  for (const [name, close] of steps) {
    try {
      await close();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      logger?.warn('close step failed', { step: name, error: error.message });
      errors.push(error);
    }
  }
  return errors;
}
