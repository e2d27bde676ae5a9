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

/**
 * Starts `node <script> ...args` from the repository root with extra environment variables.
 * The script is a path relative to the repository (e.g. `apps/worker/dist/main.js`).
 */
export function spawnNode(script: string, args: string[], env: NodeJS.ProcessEnv): TestProcess {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
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

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
