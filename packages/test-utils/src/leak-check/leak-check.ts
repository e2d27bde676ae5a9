import {
  activeHandles,
  describeHandle,
  refedTimerCount,
  unrefHandle,
  type OpenHandle,
} from './open-handles';
import { redisClientsAt } from './redis-client-names';
import type { TimerTracker } from './timer-tracker';

/** Options of {@link LeakCheck}. */
export interface LeakCheckOptions {
  /** How long what is left open may take to close before it counts as a leak. Default: 2,000 ms. */
  graceMs?: number;
  /** Time between looks during the grace period. Default: 50 ms. */
  intervalMs?: number;
  /** Tracks the timers of the code under check, to find and place its leaked timers. */
  timers?: TimerTracker;
}

/** Something left open since the check started. */
export interface Leak {
  /** What sort of thing it is. */
  kind: OpenHandle['kind'] | 'timer';
  /** What it is, and for a Redis connection its name and last command. */
  description: string;
  /** Lets the process exit in spite of it (`unref()`), without closing it. */
  unref(): void;
}

/**
 * Finds what a piece of code (a test file) left open: the handles that keep the process alive
 * and did not exist when the check was created (sockets, servers, child processes, watchers),
 * and ref'd timers created through the tracked timer functions or beyond the number that were
 * pending then. A leaked Redis connection is named from its server's CLIENT LIST.
 */
export class LeakCheck {
  private readonly before: WeakSet<object>;
  private readonly timersBefore: number;
  private readonly graceMs: number;
  private readonly intervalMs: number;

  /** Takes the baseline: what is open now is not a leak. */
  constructor(private readonly options: LeakCheckOptions = {}) {
    this.before = new WeakSet(activeHandles());
    this.timersBefore = refedTimerCount();
    this.graceMs = options.graceMs ?? 2000;
    this.intervalMs = options.intervalMs ?? 50;
  }

  /**
   * What is left open, once the grace period is over or as soon as nothing is (closes in
   * flight get that long to finish). Resolves with an empty list when nothing leaked.
   */
  async leaks(): Promise<Leak[]> {
    const deadline = Date.now() + this.graceMs;
    let handles = this.newHandles();
    let timers = this.timerLeaks();
    while ((handles.length > 0 || timers.length > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      handles = this.newHandles();
      timers = this.timerLeaks();
    }
    return [...(await nameRedisConnections(handles)), ...timers];
  }

  private newHandles(): OpenHandle[] {
    return activeHandles()
      .filter((handle) => !this.before.has(handle))
      .map(describeHandle);
  }

  private timerLeaks(): Leak[] {
    const tracked = this.options.timers?.refed() ?? [];
    const leaks: Leak[] = tracked.map((t) => ({
      kind: 'timer',
      description: `${t.kind} of ${t.delayMs} ms created in ${t.createdAt}`,
      unref: () => t.timer.unref(),
    }));
    // Timers the tracker cannot see (created through another realm's or Node's own functions).
    const untracked = refedTimerCount() - this.timersBefore - tracked.length;
    if (untracked > 0) {
      leaks.push({
        kind: 'timer',
        description: `${untracked} ref'd timer(s) not created through the tracked setTimeout/setInterval`,
        unref: () => undefined,
      });
    }
    return leaks;
  }
}

/** Formats the leaks of one test file as the message of its failure. */
export function formatLeaks(file: string, leaks: readonly Leak[]): string {
  return [
    `${file} left ${leaks.length} thing(s) open after its tests and afterAll hooks:`,
    ...leaks.map((leak) => `  - ${leak.description}`),
    'Close them in the file: quit connections; close queues, workers, servers; stop processes; clear or unref timers.',
  ].join('\n');
}

// Names the TCP sockets that are Redis connections, from CLIENT LIST on their server.
async function nameRedisConnections(handles: readonly OpenHandle[]): Promise<Leak[]> {
  const byServer = new Map<string, OpenHandle[]>();
  for (const handle of handles) {
    if (!handle.tcp) continue;
    byServer.set(handle.tcp.remote, [...(byServer.get(handle.tcp.remote) ?? []), handle]);
  }
  const names = new Map<string, string>();
  for (const sockets of byServer.values()) {
    const { remoteHost, remotePort } = sockets[0]!.tcp!;
    const locals = sockets.map((s) => s.tcp!.local);
    for (const [addr, client] of await redisClientsAt(remoteHost, remotePort, locals)) {
      names.set(addr, `Redis connection '${client.name}' (last command: ${client.lastCommand})`);
    }
  }
  return handles.map((open) => {
    const redis = open.tcp && names.get(open.tcp.local);
    return {
      kind: open.kind,
      description: redis ? `${redis}, ${open.description}` : open.description,
      unref: () => unrefHandle(open.handle),
    };
  });
}
