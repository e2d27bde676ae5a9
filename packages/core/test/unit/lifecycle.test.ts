import { EventEmitter } from 'node:events';
import winston from 'winston';
import {
  closeAll,
  createLogger,
  handleShutdownSignals,
  IllegalStateError,
  Lifecycle,
  type LifecycleState,
} from '@tta/core';

const logger = createLogger({ transports: [new winston.transports.Console({ silent: true })] });

/** A lifecycle driven through `path` from idle. */
function at(...path: LifecycleState[]): Lifecycle {
  const lifecycle = new Lifecycle('Thing');
  for (const state of path) lifecycle.transition(state);
  return lifecycle;
}

describe('Lifecycle', () => {
  it('starts idle', () => {
    expect(new Lifecycle('Thing').state).toBe('idle');
  });

  it.each<[LifecycleState[]]>([
    [['running', 'draining', 'stopped']],
    [['running', 'stopped']],
    [['stopped']],
    [['running', 'failed', 'stopped']],
    [['running', 'draining', 'failed']],
    [['failed']],
  ])('allows idle → %j', (path) => {
    expect(at(...path).state).toBe(path[path.length - 1]);
  });

  it.each<[LifecycleState[], LifecycleState]>([
    [[], 'draining'],
    [[], 'idle'],
    [['running'], 'running'],
    [['running'], 'idle'],
    [['running', 'draining'], 'running'],
    [['stopped'], 'running'],
    [['stopped'], 'stopped'],
    [['failed'], 'running'],
  ])('refuses %j → %s and keeps its state', (path, next) => {
    const lifecycle = at(...path);
    const before = lifecycle.state;
    let error: unknown;
    try {
      lifecycle.transition(next);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IllegalStateError);
    expect(error).toMatchObject({
      code: 'illegal_state',
      message: `Thing: cannot go from '${before}' to '${next}'`,
      details: { from: before, to: next },
    });
    expect(lifecycle.state).toBe(before);
  });
});

describe('closeAll', () => {
  it('runs every step in order even when one fails, and returns the errors', async () => {
    const ran: string[] = [];
    const errors = await closeAll(
      [
        ['a', () => ran.push('a')],
        [
          'b',
          async () => {
            ran.push('b');
            throw new Error('b failed');
          },
        ],
        [
          'c',
          () => {
            ran.push('c');
            // eslint-disable-next-line @typescript-eslint/only-throw-error -- a non-Error throw on purpose
            throw 'c failed';
          },
        ],
        ['d', async () => ran.push('d')],
      ],
      logger,
    );
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
    expect(errors.map((e) => e.message)).toEqual(['b failed', 'c failed']);
  });
});

/** A stand-in for `process`: signals are events, exit() is recorded. */
class FakeProcess extends EventEmitter {
  /** Resolves with the code of the first exit() call. */
  readonly exited: Promise<number>;
  private readonly resolveExit: (code: number) => void;

  constructor() {
    super();
    let resolveExit!: (code: number) => void;
    this.exited = new Promise<number>((resolve) => (resolveExit = resolve));
    this.resolveExit = resolveExit;
  }

  exit(code: number): void {
    this.resolveExit(code);
  }

  asProcess(): NodeJS.Process {
    return this as unknown as NodeJS.Process;
  }
}

describe('handleShutdownSignals', () => {
  it('shuts down once on the first signal and exits 0', async () => {
    const proc = new FakeProcess();
    const signals: string[] = [];
    handleShutdownSignals({
      logger,
      proc: proc.asProcess(),
      shutdown: async (signal) => {
        signals.push(signal);
      },
    });
    proc.emit('SIGTERM', 'SIGTERM');
    await expect(proc.exited).resolves.toBe(0);
    expect(signals).toEqual(['SIGTERM']);
  });

  it('exits 1 at once on a second signal during a slow shutdown', async () => {
    const proc = new FakeProcess();
    let finish!: () => void;
    handleShutdownSignals({
      logger,
      proc: proc.asProcess(),
      shutdown: () => new Promise<void>((resolve) => (finish = resolve)),
    });
    proc.emit('SIGINT', 'SIGINT');
    proc.emit('SIGTERM', 'SIGTERM');
    await expect(proc.exited).resolves.toBe(1);
    finish();
  });

  it('exits 1 when the graceful shutdown outlives forceAfterMs', async () => {
    const proc = new FakeProcess();
    const started = Date.now();
    handleShutdownSignals({
      logger,
      proc: proc.asProcess(),
      shutdown: () => new Promise<void>(() => undefined),
      forceAfterMs: 100,
    });
    proc.emit('SIGTERM', 'SIGTERM');
    await expect(proc.exited).resolves.toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('exits 1 when the shutdown fails', async () => {
    const proc = new FakeProcess();
    handleShutdownSignals({
      logger,
      proc: proc.asProcess(),
      shutdown: () => Promise.reject(new Error('could not close')),
    });
    proc.emit('SIGTERM', 'SIGTERM');
    await expect(proc.exited).resolves.toBe(1);
  });
});
