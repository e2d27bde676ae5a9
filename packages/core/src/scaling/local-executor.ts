import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { RestartBackoff, type RestartBackoffOptions } from '../lifecycle/restart-backoff';
import { stopChild } from '../lifecycle/stop-child';
import type { Logger } from '../telemetry/logger';
import type { ScalingExecutor } from './scaling-executor';

/** Events of {@link LocalExecutor}. */
export interface LocalExecutorEvents {
  /** A worker process started. */
  spawned: [agentType: string, pid: number];
  /** A worker process exited without being asked to. */
  crashed: [agentType: string, code: number | null, signal: NodeJS.Signals | null];
  /** A worker that exited 0 by itself (drained) was replaced at once. */
  recycled: [agentType: string, pid: number];
  /** A crashed worker is being restarted after `delayMs`. */
  restarting: [agentType: string, delayMs: number];
}

/** Options of {@link LocalExecutor}. */
export interface LocalExecutorOptions {
  /** The command and arguments that start a worker of `agentType`. */
  command: (agentType: string) => { file: string; args: string[] };
  /** Environment of the workers. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  /** First delay before restarting a crashed worker; doubles per consecutive crash. Default: 500 ms. */
  restartBackoffMs?: number;
  /** Longest restart delay. Default: 30,000 ms. */
  restartMaxBackoffMs?: number;
  /** Most restarts of one slot within `restartWindowMs`. Default: 5. */
  restartLimit?: number;
  /** Window of `restartLimit`. Default: 60,000 ms. */
  restartWindowMs?: number;
  /** How long a stopping worker may take before it is killed. Default: 30,000 ms. */
  stopTimeoutMs?: number;
}

interface Slot {
  agentType: string;
  child?: ChildProcess;
  startedAt: number;
  backoff: RestartBackoff;
  restartTimer?: NodeJS.Timeout;
  stopping: boolean;
}

/**
 * Runs workers as child processes of this one, keeps the requested number per agent type,
 * and restarts a crashed worker with exponential backoff ({@link RestartBackoff}), at most
 * `restartLimit` times per window (past it the slot waits until the window allows another
 * restart).
 */
export class LocalExecutor extends EventEmitter<LocalExecutorEvents> implements ScalingExecutor {
  private readonly slots = new Map<string, Slot[]>();
  private readonly backoff: RestartBackoffOptions;
  private closed = false;

  constructor(private readonly options: LocalExecutorOptions) {
    super();
    this.backoff = {
      ...(options.restartBackoffMs !== undefined && { backoffMs: options.restartBackoffMs }),
      ...(options.restartMaxBackoffMs !== undefined && {
        maxBackoffMs: options.restartMaxBackoffMs,
      }),
      ...(options.restartLimit !== undefined && { limit: options.restartLimit }),
      ...(options.restartWindowMs !== undefined && { windowMs: options.restartWindowMs }),
    };
  }

  /** Workers per agent type that are running now. */
  actual(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [type, slots] of this.slots) {
      out[type] = slots.filter((s) => s.child && s.child.exitCode === null && !s.stopping).length;
    }
    return out;
  }

  /** Pids of the running workers of an agent type. */
  pids(agentType: string): number[] {
    return (this.slots.get(agentType) ?? []).flatMap((s) => (s.child?.pid ? [s.child.pid] : []));
  }

  /** Starts or stops workers until `replicas` of `agentType` run. Scale-down stops gracefully. */
  async setReplicas(agentType: string, replicas: number): Promise<void> {
    if (this.closed) return;
    const slots = this.slots.get(agentType) ?? [];
    this.slots.set(agentType, slots);
    while (slots.length < replicas) {
      const slot: Slot = {
        agentType,
        startedAt: 0,
        backoff: new RestartBackoff(this.backoff),
        stopping: false,
      };
      slots.push(slot);
      this.spawn(slot);
    }
    const extra = slots.splice(replicas);
    await Promise.all(extra.map((slot) => this.stopSlot(slot)));
  }

  /** Stops every worker gracefully (SIGTERM, then SIGKILL after the stop timeout). */
  async stopAll(): Promise<void> {
    this.closed = true;
    const all = [...this.slots.values()].flat();
    this.slots.clear();
    await Promise.all(all.map((slot) => this.stopSlot(slot)));
  }

  private spawn(slot: Slot): void {
    const { file, args } = this.options.command(slot.agentType);
    // Own process group, so a terminal's Ctrl-C reaches only the supervisor, which then stops
    // workers in order; the IPC channel lets a worker notice that its supervisor died.
    const child = spawn(file, args, {
      env: this.options.env ?? process.env,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    slot.child = child;
    slot.startedAt = Date.now();
    child.once('exit', (code, signal) => this.onExit(slot, child, code, signal));
    child.once('error', (err) => {
      this.options.logger.error('worker process error', {
        agentType: slot.agentType,
        error: err.message,
      });
    });
    if (child.pid) {
      this.options.logger.info('worker started', { agentType: slot.agentType, pid: child.pid });
      this.emit('spawned', slot.agentType, child.pid);
    }
  }

  private onExit(
    slot: Slot,
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    if (slot.child !== child || slot.stopping || this.closed) return;
    slot.child = undefined;
    // Exit 0 on its own is a worker that was drained on purpose: start a fresh one at once,
    // without counting it as a crash.
    if (code === 0) {
      this.options.logger.info('worker finished (drained): starting a fresh one', {
        agentType: slot.agentType,
        pid: child.pid,
      });
      this.emit('recycled', slot.agentType, child.pid ?? 0);
      this.spawn(slot);
      return;
    }
    this.options.logger.warn('worker exited unexpectedly', {
      agentType: slot.agentType,
      pid: child.pid,
      code,
      signal,
    });
    this.emit('crashed', slot.agentType, code, signal);
    // Past the limit, a worker slot waits for the window rather than giving up.
    const { delayMs, limitReached } = slot.backoff.crashed(slot.startedAt);
    if (limitReached) {
      const { limit, windowMs } = slot.backoff.settings;
      this.options.logger.error('worker restart limit reached: waiting for the window', {
        agentType: slot.agentType,
        limit,
        windowMs,
        delayMs,
      });
    }
    this.emit('restarting', slot.agentType, delayMs);
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (!slot.stopping && !this.closed) this.spawn(slot);
    }, delayMs);
  }

  private async stopSlot(slot: Slot): Promise<void> {
    slot.stopping = true;
    clearTimeout(slot.restartTimer);
    if (slot.child) await stopChild(slot.child, this.options.stopTimeoutMs ?? 30_000);
  }
}
