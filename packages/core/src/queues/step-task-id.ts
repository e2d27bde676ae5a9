import { createHash } from 'node:crypto';
import { TaskId } from './task-id';

/**
 * The task id of a run's step: a {@link TaskId} of `queue` whose uuid is derived from the run
 * id and the step id (SHA-256, laid out as a version-5-style uuid), so that an engine taking a
 * run over after a crash finds the tasks already added instead of adding them again. The task
 * is on the run's shard, so that a run and its steps share one Redis Cluster slot.
 */
export function stepTaskId(queue: string, runId: string, stepId: string): string {
  const hex = createHash('sha256').update(`${runId}\n${stepId}`).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  const uuid = [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `5${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
  return TaskId.format(queue, uuid, TaskId.parse(runId)?.shard ?? 0);
}
