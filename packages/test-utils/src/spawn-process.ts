import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Root of the repository. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** A child process of a test, with its output kept for assertions and failure messages. */
export interface TestProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process ends. */
  exited: Promise<number | string>;
  /** Sends a signal if the process still runs. */
  signal(signal: NodeJS.Signals): void;
}

/** Options of {@link spawnNode}. */
export interface SpawnNodeOptions {
  /**
   * Keep only the last this many characters of output, for long-running processes (a soak).
   * Default: all of it.
   */
  maxOutputChars?: number;
}

/**
 * Starts `node <script> ...args` from the repository root with extra environment variables.
 * The script is a path relative to the repository (e.g. `apps/worker/dist/main.js`).
 */
export function spawnNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: SpawnNodeOptions = {},
): TestProcess {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const max = options.maxOutputChars ?? Infinity;
  let text = '';
  const keep = (chunk: Buffer) => {
    text += chunk.toString();
    if (text.length > max) text = text.slice(-max);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return {
    child,
    output: () => text,
    exited,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/**
 * Stops a test process: `SIGTERM`, then `SIGKILL` once `timeoutMs` have passed. Resolves with
 * how it ended (see {@link TestProcess.exited}).
 */
export async function stopProcess(proc: TestProcess, timeoutMs = 10_000): Promise<number | string> {
  proc.signal('SIGTERM');
  const timer = setTimeout(() => proc.signal('SIGKILL'), timeoutMs);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
