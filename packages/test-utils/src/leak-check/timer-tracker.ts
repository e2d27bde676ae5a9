import path from 'node:path';
import { promisify } from 'node:util';

/** A timer created through a tracked `setTimeout`/`setInterval` that has neither fired nor been cleared. */
export interface PendingTimer {
  /** Made by `setTimeout` or by `setInterval`. */
  kind: 'timeout' | 'interval';
  /** The delay it was created with, in ms. */
  delayMs: number;
  /** Where it was created: the first frames of the stack outside the tracker. */
  createdAt: string;
  /** The timer itself. */
  timer: NodeJS.Timeout;
}

interface TimerRecord {
  kind: PendingTimer['kind'];
  delayMs: number;
  site: Error;
}

type AnyFunction = (...args: unknown[]) => unknown;

type TimerGlobal = Pick<
  typeof globalThis,
  'setTimeout' | 'setInterval' | 'clearTimeout' | 'clearInterval'
>;

/**
 * Tracks the timers created through one global object's `setTimeout` and `setInterval` (a jest
 * test file's global), so that a leak check can say where a timer that keeps the process alive
 * was created. Only ref'd timers count: an `unref()`'d one does not hold the process.
 */
export class TimerTracker {
  private readonly pending = new Map<NodeJS.Timeout, TimerRecord>();

  /** Wraps the timer functions of `target`; timers created before stay untracked. */
  install(target: TimerGlobal): void {
    target.setTimeout = this.wrap(target.setTimeout, 'timeout');
    target.setInterval = this.wrap(target.setInterval, 'interval');
    target.clearTimeout = this.wrapClear(target.clearTimeout);
    target.clearInterval = this.wrapClear(target.clearInterval);
  }

  /** The tracked timers that are pending and ref'd now. */
  refed(): PendingTimer[] {
    return [...this.pending]
      .filter(([timer]) => timer.hasRef())
      .map(([timer, record]) => ({
        timer,
        kind: record.kind,
        delayMs: record.delayMs,
        createdAt: creationSite(record.site),
      }));
  }

  private wrap<F extends typeof setTimeout | typeof setInterval>(
    real: F,
    kind: PendingTimer['kind'],
  ): F {
    const pending = this.pending;
    const wrapped = function (callback: unknown, delay?: number, ...args: unknown[]) {
      // Let the real function refuse what is not a function.
      if (typeof callback !== 'function') return (real as AnyFunction)(callback, delay, ...args);
      const site = new Error('timer created');
      const timer = (real as AnyFunction)(
        function (this: unknown, ...callArgs: unknown[]) {
          if (kind === 'timeout') pending.delete(timer);
          return (callback as AnyFunction).apply(this, callArgs);
        },
        delay,
        ...args,
      ) as NodeJS.Timeout;
      pending.set(timer, { kind, delayMs: Number(delay ?? 0), site });
      return timer;
    };
    const custom = (real as unknown as Record<symbol, unknown>)[promisify.custom];
    if (custom !== undefined) Object.defineProperty(wrapped, promisify.custom, { value: custom });
    return wrapped as unknown as F;
  }

  private wrapClear<F extends typeof clearTimeout>(real: F): F {
    const pending = this.pending;
    return function (timer?: NodeJS.Timeout | string | number) {
      if (typeof timer === 'object') pending.delete(timer);
      return real(timer);
    } as F;
  }
}

// Where the timer comes from: the first frames outside the tracker and Node, as `file:line`.
function creationSite(site: Error): string {
  const frames = (site.stack ?? '')
    .split('\n')
    .slice(1)
    .filter((line) => !line.includes(__filename) && !line.includes('node:internal'))
    .map((line) => /\(?([^\s()]+:\d+:\d+)\)?$/.exec(line.trim())?.[1])
    .filter((location): location is string => location !== undefined)
    .map((location) => path.relative(process.cwd(), location));
  return frames.slice(0, 3).join(' < ') || 'an unknown place';
}
