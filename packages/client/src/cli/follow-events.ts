import type { Task, WorkflowRun } from '../api-types';
import type { ServerSentEvent } from '../sse-parser';
import { FINAL_EVENTS } from '../stream-events';
import type { TtaClient } from '../tta-client';
import type { CliIo } from './cli-io';
import { percentOf, ProgressLine } from './progress-line';

/**
 * How a followed stream is shown: `events` as lines on stderr (with a progress bar on a
 * terminal), `ndjson` as one JSON object per event on stdout, `none` not at all.
 */
export type FollowDisplay = 'events' | 'ndjson' | 'none';

/** Options of {@link followTask} and {@link followRun}. */
export interface FollowOptions {
  /** Where events are shown. */
  io: CliIo;
  /** How events are shown. */
  display: FollowDisplay;
}

/**
 * An event stream ended before what it follows did (the API stopped, the connection broke):
 * a task or run still under way, or the safety feed, which never ends on its own.
 */
export class StreamEndedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamEndedError';
  }
}

const FINAL_TASK_STATUSES = new Set(['completed', 'failed', 'cancelled', 'dead']);
const FINAL_RUN_STATUSES = new Set(['completed', 'failed', 'cancelled']);

/** Whether a task or run in `status` has ended. */
export function isFinalStatus(status: string): boolean {
  return FINAL_TASK_STATUSES.has(status);
}

/** Whether `id` names a workflow run (`workflow~<uuid>`) rather than a task. */
export function isRunId(id: string): boolean {
  return id.startsWith('workflow~');
}

/** Follows a task's event stream until it ends; resolves with the task as it ended. */
export async function followTask(
  client: TtaClient,
  id: string,
  options: FollowOptions,
): Promise<Task> {
  const stream = client.taskEvents(id, eventsOptions(options.io));
  return follow<Task>(stream, {
    ...options,
    isFinal: (status) => FINAL_TASK_STATUSES.has(status),
    reread: () => client.task(id),
    describe: (event) => describeEvent(event, 'task'),
  });
}

/** Follows a workflow run's event stream until it ends; resolves with the run as it ended. */
export async function followRun(
  client: TtaClient,
  id: string,
  options: FollowOptions,
): Promise<WorkflowRun> {
  const stream = client.runEvents(id, eventsOptions(options.io));
  return follow<WorkflowRun>(stream, {
    ...options,
    isFinal: (status) => FINAL_RUN_STATUSES.has(status),
    reread: () => client.run(id),
    describe: (event) => describeEvent(event, 'run'),
  });
}

function eventsOptions(io: CliIo): { signal?: AbortSignal } {
  return io.signal ? { signal: io.signal } : {};
}

interface FollowSpec<T> extends FollowOptions {
  isFinal(status: string): boolean;
  reread(): Promise<T>;
  describe(event: ServerSentEvent): string | undefined;
}

// A final event whose data is the whole view ends the follow with it; `removed` (data `{ id }`)
// and a stream that ends early are settled by reading the task or run once more.
async function follow<T extends { id: string; status: string }>(
  stream: AsyncIterable<ServerSentEvent>,
  spec: FollowSpec<T>,
): Promise<T> {
  const out = new ProgressLine(spec.io.stderr);
  try {
    for await (const event of stream) {
      show(event, spec, out);
      const data = event.data as Partial<T> | null;
      const status = typeof data?.status === 'string' ? data.status : undefined;
      const isView = event.event === 'snapshot' || FINAL_EVENTS.has(event.event);
      if (isView && status !== undefined && spec.isFinal(status)) return data as T;
      if (FINAL_EVENTS.has(event.event)) break;
    }
  } finally {
    out.done();
  }
  const view = await spec.reread();
  if (!spec.isFinal(view.status)) {
    throw new StreamEndedError(
      `the event stream of '${view.id}' ended while it is still ${view.status}`,
    );
  }
  return view;
}

function show<T>(event: ServerSentEvent, spec: FollowSpec<T>, out: ProgressLine): void {
  if (spec.display === 'ndjson') {
    spec.io.stdout.write(`${JSON.stringify(event)}\n`);
    return;
  }
  if (spec.display === 'none') return;
  if (event.event === 'progress') {
    const progress = (event.data as { progress?: unknown } | null)?.progress;
    const percent = percentOf(progress);
    if (percent !== undefined) out.progress(percent);
    else out.line(`progress ${JSON.stringify(progress)}`);
    return;
  }
  const text = spec.describe(event);
  if (text !== undefined) out.line(text);
}

/** The line an event of a task's or run's stream is shown as (progress aside). */
export function describeEvent(event: ServerSentEvent, kind: 'task' | 'run'): string | undefined {
  const data = (event.data ?? {}) as Record<string, unknown>;
  switch (event.event) {
    case 'snapshot':
      return kind === 'run' ? runSnapshotText(data) : taskSnapshotText(data);
    case 'stage':
      return `stage ${Number(data.index) + 1}: ${String(data.stage)}`;
    case 'step':
      return stepLine(String(data.step), data);
    default:
      return event.event;
  }
}

function taskSnapshotText(task: Record<string, unknown>): string {
  return `task ${String(task.capability)} ${String(task.id)}: ${String(task.status)}`;
}

// A run may be well under way when its stream opens: its snapshot tells the steps so far.
function runSnapshotText(run: Record<string, unknown>): string {
  const stage = typeof run.stage === 'string' ? ` (stage ${run.stage})` : '';
  const header = `run ${String(run.workflow)} ${String(run.id)}: ${String(run.status)}${stage}`;
  const steps = Object.entries((run.steps ?? {}) as Record<string, Record<string, unknown>>);
  return [header, ...steps.map(([step, record]) => stepLine(step, record))].join('\n');
}

function stepLine(step: string, record: Record<string, unknown>): string {
  const task = typeof record.taskId === 'string' ? ` (${record.taskId})` : '';
  return `  step ${step}: ${String(record.status)}${task}`;
}
