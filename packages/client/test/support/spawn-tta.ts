import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '@tta/test-utils';

/** The built `tta`. */
export const TTA_CLI = path.join(REPO_ROOT, 'packages/client/dist/cli/main.js');

/** How a `tta` process ended, with its output. */
export interface CliOutcome {
  /** Its exit code; `null` when a signal ended it. */
  code: number | null;
  /** Everything it wrote on stdout. */
  stdout: string;
  /** Everything it wrote on stderr. */
  stderr: string;
}

/** A running `tta` process. */
export interface TtaProcess {
  /** What it has written on stdout so far. */
  stdout(): string;
  /** Sends it a signal (SIGINT: Ctrl-C). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves once it has exited. */
  ended: Promise<CliOutcome>;
}

/**
 * Starts the built `tta` with `args` and extra environment variables, from the repository
 * root; it is killed if it runs longer than `timeoutMs` (default 30 s).
 */
export function startTta(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): TtaProcess {
  const child = spawn(process.execPath, [TTA_CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const ended = new Promise<CliOutcome>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return {
    stdout: () => stdout,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    ended,
  };
}

/** Runs the built `tta` to its end (see {@link startTta}). */
export function tta(args: string[], env: NodeJS.ProcessEnv): Promise<CliOutcome> {
  return startTta(args, env).ended;
}
