import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { RestartBackoff, type RestartBackoffOptions } from './restart-backoff';
import { stopChild } from './stop-child';

/** A Node.js script the launcher keeps running. */
export interface LaunchedScript {
  /** The script's path. */
  file: string;
  /** Its arguments. Default: none. */
  args?: string[];
}

/** Options of {@link ProcessLauncher}. */
export interface ProcessLauncherOptions {
  /** The processes, by name (`api`, `supervisor`), started in this order. */
  processes: Readonly<Record<string, LaunchedScript>>;
  /** Their environment. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** The restart policy of each process (the local executor's). Default: its defaults. */
  backoff?: RestartBackoffOptions;
  /**
   * Exit codes that say a restart cannot help (2: the configuration is invalid): the launcher
   * gives up at once. Default: `[2]`.
   */
  fatalExitCodes?: readonly number[];
  /** How long a stopping process may take before it is killed. Default: 30,000 ms. */
  stopTimeoutMs?: number;
}

/** Events of {@link ProcessLauncher}. */
export interface ProcessLauncherEvents {
  /** A process started. */
  started: [name: string, pid: number];
  /** A process exited without being asked to; it restarts after `delayMs`. */
  restarting: [name: string, exit: string, delayMs: number, crashesInWindow: number];
  /**
   * A process exited and will not be restarted: it crashed past the restart limit, or with a
   * fatal exit code. `reason` says which, in one line. The others keep running: the caller
   * decides (`npm start` stops them and exits).
   */
  gaveUp: [name: string, reason: string];
}

interface Launched {
  name: string;
  script: LaunchedScript;
  child?: ChildProcess;
  startedAt: number;
  backoff: RestartBackoff;
  restartTimer?: NodeJS.Timeout;
}

/**
 * Runs a few named Node.js processes (the API and the supervisor of `npm start`) as children
 * of this one and restarts each one that crashes, with the backoff and limit the supervisor's
 * local executor applies to workers ({@link RestartBackoff}); past the limit, or after a fatal
 * exit code, it gives up on that process. Each child gets an IPC channel, whose closing tells
 * it that this process died (see `handleShutdownSignals`), and its own process group, so that
 * a terminal's Ctrl-C reaches only this process, which stops them in order.
 */
export class ProcessLauncher extends EventEmitter<ProcessLauncherEvents> {
  private readonly launched: Launched[];
  private stopping?: Promise<void>;

  constructor(private readonly options: ProcessLauncherOptions) {
    super();
    this.launched = Object.entries(options.processes).map(([name, script]) => ({
      name,
      script,
      startedAt: 0,
      backoff: new RestartBackoff(options.backoff),
    }));
  }

  /** Starts every process. */
  start(): void {
    for (const launched of this.launched) this.spawn(launched);
  }

  /** The pid of each process that runs now. */
  pids(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { name, child } of this.launched) {
      if (child?.pid !== undefined && child.exitCode === null) out[name] = child.pid;
    }
    return out;
  }

  /**
   * Stops every process: SIGTERM (a graceful shutdown), SIGKILL after `stopTimeoutMs`. Cancels
   * pending restarts. Safe to call twice.
   */
  stop(): Promise<void> {
    this.stopping ??= Promise.all(this.launched.map((p) => this.stopOne(p))).then(() => undefined);
    return this.stopping;
  }

  /** Kills every process at once (a second Ctrl-C). */
  kill(): void {
    for (const { child, restartTimer } of this.launched) {
      clearTimeout(restartTimer);
      if (child && child.exitCode === null) child.kill('SIGKILL');
    }
  }

  private spawn(launched: Launched): void {
    const child = spawn(process.execPath, [launched.script.file, ...(launched.script.args ?? [])], {
      env: this.options.env ?? process.env,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    launched.child = child;
    launched.startedAt = Date.now();
    child.once('exit', (code, signal) => this.onExit(launched, child, code, signal));
    // A spawn failure also emits `exit`, which restarts or gives up.
    child.once('error', () => undefined);
    if (child.pid !== undefined) this.emit('started', launched.name, child.pid);
  }

  private onExit(
    launched: Launched,
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    if (launched.child !== child || this.stopping) return;
    launched.child = undefined;
    const exit = signal ?? `exit code ${code ?? 'unknown'}`;
    if (code !== null && (this.options.fatalExitCodes ?? [2]).includes(code)) {
      this.emit('gaveUp', launched.name, `${launched.name} exited with ${exit}: not restarting it`);
      return;
    }
    const decision = launched.backoff.crashed(launched.startedAt);
    if (decision.limitReached) {
      const { limit, windowMs } = launched.backoff.settings;
      this.emit(
        'gaveUp',
        launched.name,
        `${launched.name} crashed ${limit + 1} times within ${Math.round(windowMs / 1000)} s (last: ${exit}): giving up`,
      );
      return;
    }
    this.emit('restarting', launched.name, exit, decision.delayMs, decision.crashesInWindow);
    launched.restartTimer = setTimeout(() => {
      launched.restartTimer = undefined;
      if (!this.stopping) this.spawn(launched);
    }, decision.delayMs);
  }

  private async stopOne(launched: Launched): Promise<void> {
    clearTimeout(launched.restartTimer);
    if (launched.child) await stopChild(launched.child, this.options.stopTimeoutMs ?? 30_000);
  }
}
