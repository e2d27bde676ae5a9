import { readFileSync } from 'node:fs';

/**
 * Resident set size of a process in bytes (Linux `/proc/<pid>/status`), or `undefined` when
 * the process is gone or the platform has no `/proc`.
 */
export function processRssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
