import { createHash } from 'node:crypto';
import { IdempotencyConflictError } from '../errors/idempotency-conflict-error';
import type { QueueNames } from '../queues/queue-names';
import type { TaskRequest } from '@tta/contracts';
import type { RedisClient } from '../redis/redis-connection';

/** A task asking to be the one its idempotency key stands for. */
export interface IdempotencyClaim {
  /** The owner of the task; keys are kept apart per owner (none: the keys of no owner). */
  owner?: string;
  /** The capability of the task; keys are kept apart per capability. */
  capability: string;
  /** The key as the caller gave it (only its hash is stored). */
  idempotencyKey: string;
  /** The id the task gets if the key is new. */
  taskId: string;
  /** The queue it goes to if the key is new. */
  queue: string;
  /** {@link requestFingerprint} of the request. */
  fingerprint: string;
}

/** The task an idempotency key stands for, as {@link IdempotencyStore.reserve} found it. */
export interface IdempotencyReservation {
  /** The id of the task the key stands for. */
  taskId: string;
  /** The queue that task was, or is to be, added to. */
  queue: string;
  /**
   * Whether its job still has to be added: the key is new, or an earlier request stored the
   * record but not the job (the API died between the two writes).
   */
  mustAdd: boolean;
}

/** Options of {@link IdempotencyStore}. */
export interface IdempotencyStoreOptions {
  /** Key names of the deployment. */
  names: QueueNames;
  /** How long a key stands for its task, from its first use. Default: 86,400,000 ms (24 h). */
  windowMs?: number;
}

// Creates the record unless one exists (SET NX semantics on a hash, with its expiry); answers
// the record's taskId, queue, fingerprint, added flag and whether this call created it.
const CLAIM = `
local found = redis.call('HMGET', KEYS[1], 'taskId', 'queue', 'fingerprint', 'added')
if found[1] then return { found[1], found[2] or '', found[3] or '', found[4] or '0', '0' } end
redis.call('HSET', KEYS[1], 'taskId', ARGV[1], 'queue', ARGV[2], 'fingerprint', ARGV[3], 'added', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return { ARGV[1], ARGV[2], ARGV[3], '0', '1' }`;

// Sets the added flag of a record that still stands for the task (never recreates one).
const MARK_ADDED = `
if redis.call('HGET', KEYS[1], 'taskId') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'added', '1')
  return 1
end
return 0`;

/**
 * Idempotency keys: a record `<prefix>:idempotency:<capability>:<sha256 of the key>` (task id,
 * queue, request fingerprint, added flag) per key, created on first use and kept for the
 * window. The record, not the job, is the truth: a repeat gets the task back even after its
 * job was removed by retention, whichever queue routing would pick today.
 */
export class IdempotencyStore {
  private readonly windowMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: IdempotencyStoreOptions,
  ) {
    this.windowMs = options.windowMs ?? 86_400_000;
    if (!Number.isInteger(this.windowMs) || this.windowMs <= 0) {
      throw new TypeError('IdempotencyStore: windowMs must be a positive integer');
    }
  }

  /**
   * The record key of an idempotency key of a capability and an owner: owners never share a
   * record, so a key never stands for, or reveals, another owner's task.
   */
  key(capability: string, idempotencyKey: string, owner?: string): string {
    const digest = createHash('sha256').update(idempotencyKey).digest('hex');
    return owner === undefined
      ? this.options.names.key('idempotency', capability, digest)
      : this.options.names.key('idempotency', 'owner', owner, capability, digest);
  }

  /**
   * Claims every key for its candidate task, or finds the task it already stands for, in one
   * round trip. Throws {@link IdempotencyConflictError} when a key stands for a different
   * request; keys claimed by the same call stay claimed (a corrected retry adds their jobs).
   */
  async reserve(claims: readonly IdempotencyClaim[]): Promise<IdempotencyReservation[]> {
    if (claims.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const c of claims) {
      const key = this.key(c.capability, c.idempotencyKey, c.owner);
      pipeline.eval(CLAIM, 1, key, c.taskId, c.queue, c.fingerprint, this.windowMs);
    }
    const replies = (await pipeline.exec()) ?? [];
    return claims.map((claim, i) => {
      const [err, reply] = replies[i] ?? [];
      if (err) throw err;
      const [taskId = '', queue = '', fingerprint = '', added = '0'] = reply as string[];
      if (fingerprint !== claim.fingerprint) {
        throw new IdempotencyConflictError(claim.idempotencyKey, taskId);
      }
      return { taskId, queue, mustAdd: added !== '1' };
    });
  }

  /** Records that the jobs of these claims are stored, so that repeats do not add them again. */
  async markAdded(
    claims: ReadonlyArray<
      Pick<IdempotencyClaim, 'owner' | 'capability' | 'idempotencyKey' | 'taskId'>
    >,
  ): Promise<void> {
    if (claims.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const c of claims) {
      pipeline.eval(MARK_ADDED, 1, this.key(c.capability, c.idempotencyKey, c.owner), c.taskId);
    }
    for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
  }
}

/**
 * A hash of everything a request asks for but its idempotency key, to tell a replay from a
 * different request that reuses the key. Key order and undefined fields do not matter.
 */
export function requestFingerprint(request: TaskRequest): string {
  const { idempotencyKey: _key, ...rest } = request;
  return createHash('sha256').update(stableStringify(rest)).digest('hex');
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
