import type { ChildProcess } from 'node:child_process';

/**
 * Stops a child process gracefully: SIGTERM, then SIGKILL once `timeoutMs` have passed.
 * Resolves once it has exited (at once if it already had).
 */
export async function stopChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
