import type { JobType, Queue } from 'bullmq';
import type { QueueHandles } from '../queues/queue-handles';
import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';
import { sessionJobFacts, type SessionJobFacts } from './erasure-plan';

/** Every state a job of a queue may be in. */
const STATES: readonly JobType[] = [
  'active',
  'waiting-children',
  'wait',
  'prioritized',
  'delayed',
  'completed',
  'failed',
];

/** Ids read, and job data fetched, per round trip. */
const PAGE = 500;

/** A job of the session, where it is and whether it runs. */
export interface FoundJob extends SessionJobFacts {
  /** The shard it is on. */
  shard: QueueNames;
  /** Its queue. */
  queue: Queue;
  /** Whether it was running (locked by an agent, or a run waiting for its steps). */
  running: boolean;
}

/**
 * The jobs of `queueName` on `shard` whose data names `sessionId` (tasks, runs, and dead letters
 * whose task does), reading every state a page of ids and a page of data at a time: BullMQ keeps
 * no index by data.
 */
export async function findSessionJobs(
  redis: RedisClient,
  handles: QueueHandles,
  shard: QueueNames,
  queueName: string,
  sessionId: string,
): Promise<FoundJob[]> {
  const queue = handles.get(queueName, shard);
  const found: FoundJob[] = [];
  for (const state of STATES) {
    for (let offset = 0; ; offset += PAGE) {
      const ids = await queue.getRanges([state], offset, offset + PAGE - 1, true);
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hget(queue.toKey(id), 'data');
      const replies = ids.length > 0 ? ((await pipeline.exec()) ?? []) : [];
      ids.forEach((id, i) => {
        const [err, raw] = replies[i] ?? [];
        if (err) throw err;
        const facts = sessionJobFacts(id, raw as string | null, sessionId);
        const running = state === 'active' || state === 'waiting-children';
        if (facts) found.push({ ...facts, shard, queue, running });
      });
      if (ids.length < PAGE) break;
    }
  }
  return dedupe(found);
}

/**
 * Removes the entries of the event log of `queue` (`<prefix>:<queue>:events`) that name one of
 * `jobIds`, a page at a time; answers how many went.
 */
export async function removeStreamEntries(
  redis: RedisClient,
  queue: Queue,
  jobIds: ReadonlySet<string>,
): Promise<number> {
  if (jobIds.size === 0) return 0;
  const key = queue.keys.events as string;
  let removed = 0;
  let start = '-';
  for (;;) {
    const rows = await redis.xrange(key, start, '+', 'COUNT', PAGE);
    const doomed = rows.filter(([, fields]) => namesJob(fields, jobIds)).map(([id]) => id);
    if (doomed.length > 0) removed += await redis.xdel(key, ...doomed);
    if (rows.length < PAGE) return removed;
    start = `(${rows[rows.length - 1]?.[0] ?? ''}`;
  }
}

function namesJob(fields: readonly string[], jobIds: ReadonlySet<string>): boolean {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'jobId' && jobIds.has(fields[i + 1] as string)) return true;
  }
  return false;
}

// A job that changed state between two pages may be read twice; the running sighting wins.
function dedupe(jobs: FoundJob[]): FoundJob[] {
  const byId = new Map<string, FoundJob>();
  for (const job of jobs) {
    const seen = byId.get(job.id);
    if (!seen || job.running) byId.set(job.id, job);
  }
  return [...byId.values()];
}
