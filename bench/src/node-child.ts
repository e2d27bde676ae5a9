import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Options of {@link spawnNode}. */
export interface SpawnNodeOptions {
  /** Arguments after the script. */
  args?: string[];
  /** Environment variables over the bench's own. */
  env?: NodeJS.ProcessEnv;
  /** Opens an IPC channel (`process.send` in the child). Default: false. */
  ipc?: boolean;
  /** Called with each line the child writes to stdout. Default: stdout is dropped. */
  onLine?: (line: string) => void;
}

/** A Node.js child process the bench started. */
export interface NodeChild {
  /** The process. */
  process: ChildProcess;
  /** Its pid. */
  pid: number;
  /** Resolves when it has exited. */
  exited: Promise<void>;
  /** The last lines it wrote to stderr (for error messages). */
  stderrTail(): string;
  /** Sends `signal` (default SIGTERM), waits up to `timeoutMs` (default 15 s), then SIGKILLs. Safe to call twice. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

let childExecArgv: string[] = [];

/** Node.js options of every child started from now on (e.g. `--cpu-prof`). */
export function setChildExecArgv(execArgv: string[]): void {
  childExecArgv = [...execArgv];
}

/** Starts `node <script> [...args]`. */
export function spawnNode(script: string, options: SpawnNodeOptions = {}): NodeChild {
  const child = spawn(process.execPath, [...childExecArgv, script, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: [
      'ignore',
      options.onLine ? 'pipe' : 'ignore',
      'pipe',
      ...(options.ipc ? ['ipc' as const] : []),
    ],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (options.onLine && child.stdout) {
    createInterface({ input: child.stdout }).on('line', options.onLine);
  }
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-2000);
  });
  let stopping: Promise<void> | undefined;
  const stop = (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  return { process: child, pid: child.pid ?? 0, exited, stderrTail: () => tail, stop };
}

/**
 * The next IPC message of `child` that `accept` takes (returns non-undefined for); rejects after
 * `timeoutMs` or when the child exits first.
 */
export function nextMessage<T>(
  child: NodeChild,
  accept: (message: unknown) => T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.process.off('message', onMessage);
      child.process.off('exit', onExit);
    };
    const onMessage = (message: unknown) => {
      const value = accept(message);
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`child ${child.pid} exited: ${child.stderrTail().trim() || 'no output'}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${child.pid}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.process.on('message', onMessage);
    child.process.once('exit', onExit);
  });
}

/** Resident set size of a process in bytes (`VmRSS` of `/proc/<pid>/status`); undefined when it is gone. */
export function rssBytesOf(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 20 ms until it returns a value; throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}
