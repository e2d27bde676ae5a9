import type { Task, WorkflowRun } from '../../api-types';
import type { CliCommand } from '../cli-command';
import { positionalArgs } from '../command-options';
import { ExitCode } from '../exit-codes';
import { isRunId } from '../follow-events';
import { formatFields, formatTable } from '../format-table';
import { GLOBAL_OPTIONS_HELP } from '../help-text';
import { resultText } from '../report-outcome';

const NAME = 'status';

const FAILED = new Set(['failed', 'cancelled', 'dead']);

/** `tta status <task-id|run-id>`: shows a task or a workflow run. */
export const statusCommand: CliCommand = {
  name: NAME,
  synopsis: 'status <task-id|run-id>',
  summary: 'show a task or workflow run',
  help: `Usage: tta status <task-id|run-id>

Shows a task (status, capability, queue, attempts, agent, progress, timings, result or error)
or a workflow run (ids starting 'workflow~': status, outcome, stage, steps, result). Exits 0,
or 1 when the task or run failed, was cancelled or dead-lettered.

${GLOBAL_OPTIONS_HELP}`,
  options: {},
  async run({ client, io, args, json }) {
    const [id] = positionalArgs(args, ['task-id|run-id'], NAME) as [string];
    const view = isRunId(id) ? await client.run(id) : await client.task(id);
    if (json) io.stdout.write(`${JSON.stringify(view)}\n`);
    else io.stdout.write('workflow' in view ? runText(view) : taskText(view));
    return FAILED.has(view.status) ? ExitCode.failed : ExitCode.ok;
  },
};

function taskText(task: Task): string {
  const { timings } = task;
  const fields = formatFields([
    ['id', task.id],
    ['status', task.status],
    ['capability', task.capability],
    ['queue', task.queue],
    ['session', task.sessionId],
    ['attempts', String(task.attempts)],
    ['agent', task.agentId],
    ['progress', task.progress === undefined ? undefined : JSON.stringify(task.progress)],
    ['enqueued', isoTime(timings.enqueuedAt)],
    ['waited', durationText(timings.waitMs)],
    ['ran', durationText(timings.runMs)],
    ['cancelled', task.cancelReason],
    ['error', task.error?.message],
  ]);
  return task.result === undefined ? fields : `${fields}result:\n${resultText(task.result)}\n`;
}

function runText(run: WorkflowRun): string {
  const fields = formatFields([
    ['id', run.id],
    ['workflow', run.workflow],
    ['status', run.status],
    ['outcome', run.outcome],
    ['stage', run.stage],
    ['session', run.sessionId],
    ['enqueued', isoTime(run.timings.enqueuedAt)],
    ['total', durationText(run.timings.totalMs)],
    ['error', run.error],
  ]);
  const steps = Object.entries(run.steps).map(([step, record]) => [
    step,
    record.capability,
    record.status,
    record.taskId ?? '-',
  ]);
  const table =
    steps.length > 0 ? formatTable(['STEP', 'CAPABILITY', 'STATUS', 'TASK'], steps) : '';
  const result = run.result === undefined ? '' : `result:\n${resultText(run.result)}\n`;
  return `${fields}${table}${result}`;
}

function isoTime(epochMs: number | undefined): string | undefined {
  return epochMs === undefined ? undefined : new Date(epochMs).toISOString();
}

function durationText(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : `${ms} ms`;
}
