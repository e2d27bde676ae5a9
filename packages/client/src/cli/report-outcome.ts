import type { Task, WorkflowRun } from '../api-types';
import type { CliIo } from './cli-io';
import { ExitCode, oneLine } from './exit-codes';

/** How the end of a task or run is reported: its result or failure as text, as JSON, or not. */
export type ReportFormat = 'text' | 'json' | 'none';

/**
 * The text of a result: a string as it is; a narrative passage (`passage`, or a run's
 * `narrative` with its crisis `resources`); anything else as indented JSON.
 */
export function resultText(result: unknown): string {
  if (typeof result === 'string') return result;
  const record = (typeof result === 'object' && result !== null ? result : {}) as Record<
    string,
    unknown
  >;
  const text =
    typeof record.passage === 'string'
      ? record.passage
      : typeof record.narrative === 'string'
        ? record.narrative
        : undefined;
  if (text === undefined) return JSON.stringify(result ?? null, null, 2);
  const resources = Array.isArray(record.resources) ? record.resources : [];
  return [text, ...resources.map(resourceLine)].join('\n');
}

function resourceLine(resource: unknown): string {
  const { name, contact, description } = (resource ?? {}) as Record<string, unknown>;
  const about = typeof description === 'string' ? ` (${description})` : '';
  return `- ${String(name)}: ${String(contact)}${about}`;
}

/** Reports how a task ended; returns the exit code: 0 when it completed, else 1. */
export function reportTask(task: Task, io: CliIo, format: ReportFormat): number {
  const ok = task.status === 'completed';
  if (format === 'json') io.stdout.write(`${JSON.stringify(task)}\n`);
  else if (format === 'text' && ok) io.stdout.write(`${resultText(task.result)}\n`);
  else if (format === 'text') {
    const why = task.cancelReason ?? task.error?.message;
    io.stderr.write(`tta: task ${task.id} ${task.status}${why ? `: ${oneLine(why)}` : ''}\n`);
  }
  return ok ? ExitCode.ok : ExitCode.failed;
}

/** Reports how a workflow run ended; returns the exit code: 0 when it completed, else 1. */
export function reportRun(run: WorkflowRun, io: CliIo, format: ReportFormat): number {
  const ok = run.status === 'completed';
  if (format === 'json') io.stdout.write(`${JSON.stringify(run)}\n`);
  else if (format === 'text' && ok) io.stdout.write(`${resultText(run.result)}\n`);
  else if (format === 'text') {
    const why = run.error ?? run.errors?.map((e) => `${e.step}: ${e.error}`).join('; ');
    io.stderr.write(`tta: run ${run.id} ${run.status}${why ? `: ${oneLine(why)}` : ''}\n`);
  }
  return ok ? ExitCode.ok : ExitCode.failed;
}
