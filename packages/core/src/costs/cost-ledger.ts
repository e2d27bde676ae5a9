import type { OwnerScope } from '../auth/owner-scope';
import {
  costField,
  NANO_USD_PER_USD,
  summarizeCosts,
  type CostBucket,
  type CostFilter,
  type CostReport,
} from './cost-report';
import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';

/** One LLM call's usage and cost, as the ledger records it. */
export interface CostEntry {
  /** The task that made the call. */
  taskId: string;
  /** The task's session, when it has one. */
  sessionId?: string;
  /** The task's owner, when it has one: the call counts in that owner's report too. */
  owner?: string;
  /** Type of the agent that ran the task. */
  agentType: string;
  /** The model called (its name in config `llm.models`). */
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Epoch ms of the call. Default: now. */
  at?: number;
}

/** Options of {@link CostLedger}. */
export interface CostLedgerOptions {
  /** Key names of the deployment. */
  names: QueueNames;
  /** How long hourly buckets, and the running totals of tasks and sessions after their last spend, are kept. Default: 35 days. */
  retentionMs?: number;
}

/** Makes {@link CostLedger.record} add a call only once: the hash field that marks it recorded. */
export interface CostRecordOnce {
  /** The hash holding the mark (e.g. the task's memoized calls: {@link llmCallsKey}). */
  key: string;
  /** Set when the call is recorded; while it exists, the call is not added again. */
  field: string;
  /** What the field holds (e.g. the call's memoized response). */
  value: string;
  /** How long the hash is kept after this write, in ms: a call recorded again after that counts again. */
  ttlMs: number;
}

/**
 * The hash of the model calls a task completed, by call id: `<prefix>:llm:calls:<taskId>`. It
 * marks each call's cost as recorded and keeps its response for a later run of the task.
 */
export function llmCallsKey(names: QueueNames, taskId: string): string {
  return names.key('llm', 'calls', taskId);
}

interface CounterWrite {
  key: string;
  ttlMs: number;
  counters: Array<[field: string, n: number]>;
}

// KEYS[1]: the hash of the once mark; KEYS[2..]: counter hashes. ARGV: the mark's field, value
// and TTL, then per counter hash its TTL and three field/increment pairs.
const RECORD_ONCE = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local a = 4
for i = 2, #KEYS do
  local ttl = ARGV[a]
  for j = 1, 3 do
    redis.call('HINCRBY', KEYS[i], ARGV[a + 2 * j - 1], ARGV[a + 2 * j])
  end
  redis.call('PEXPIRE', KEYS[i], ttl)
  a = a + 7
end
return 1`;

/** A time window and filters of a {@link CostLedger.report}. */
export interface CostQuery extends CostFilter {
  /** Start, epoch ms; counted from the start of its UTC hour. */
  from: number;
  /** End, epoch ms, exclusive; counted to the end of its UTC hour. */
  to: number;
}

/** What a task and its session have spent on LLM calls so far, in USD. */
export interface CostSpend {
  taskUsd: number;
  sessionUsd: number;
}

const HOUR_MS = 3_600_000;
const DEFAULT_RETENTION_MS = 35 * 24 * HOUR_MS;

/** The time one bucket of the ledger covers: a UTC hour, in ms. */
export const COST_BUCKET_MS = HOUR_MS;

/**
 * The key of the ledger's bucket of UTC hour `hour` (hours since the epoch):
 * `<prefix>:costs:<hour>`.
 */
export function costBucketKey(names: QueueNames, hour: number, owner?: string): string {
  return owner === undefined
    ? names.key('costs', String(hour))
    : names.key('costs', 'owner', owner, String(hour));
}

/**
 * Tokens and cost of LLM calls in Redis. Each call adds to a hash per UTC hour
 * (`<prefix>:costs:<hours since the epoch>`, one counter per session, agent type, model and
 * direction) and to the running totals of its task (`costs:task:<id>`) and session
 * (`costs:session:<id>`), which budgets read. Everything expires `retentionMs` after its last
 * write.
 */
export class CostLedger {
  private readonly retentionMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: CostLedgerOptions,
  ) {
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    if (!Number.isInteger(this.retentionMs) || this.retentionMs <= 0) {
      throw new TypeError('CostLedger: retentionMs must be a positive integer');
    }
  }

  /**
   * Adds one call's usage and cost, atomically. With `once`, only if the field `once.field` of
   * `once.key` does not exist yet; it is then set to `once.value` in the same step (the hash
   * kept `once.ttlMs` more): a call a task records again (it ran again after a Redis stall, or
   * its agent died) counts once. Resolves whether the usage was added.
   */
  async record(entry: CostEntry, once?: CostRecordOnce): Promise<boolean> {
    const writes = this.writesOf(entry);
    if (once) {
      const args = writes.flatMap((w) => [w.ttlMs, ...w.counters.flat()]);
      const added = await this.redis.eval(
        RECORD_ONCE,
        1 + writes.length,
        once.key,
        ...writes.map((w) => w.key),
        once.field,
        once.value,
        once.ttlMs,
        ...args,
      );
      return added === 1;
    }
    const multi = this.redis.multi();
    for (const { key, ttlMs, counters } of writes) {
      for (const [field, n] of counters) multi.hincrby(key, field, n);
      multi.pexpire(key, ttlMs);
    }
    await multi.exec();
    return true;
  }

  // The counters one call adds to: its hourly buckets and the running totals of its task and
  // session, each with the time it is kept.
  private writesOf(entry: CostEntry): CounterWrite[] {
    const inputTokens = tokens(entry.inputTokens, 'inputTokens');
    const outputTokens = tokens(entry.outputTokens, 'outputTokens');
    const nanoUsd = Math.round(count(entry.costUsd, 'costUsd') * NANO_USD_PER_USD);
    const session = entry.sessionId ?? '';
    const hour = hourOf(entry.at ?? Date.now());
    const buckets = [this.bucketKey(hour)];
    if (entry.owner !== undefined) buckets.push(this.bucketKey(hour, entry.owner));
    const writes: CounterWrite[] = buckets.map((key) => ({
      key,
      ttlMs: this.retentionMs + HOUR_MS,
      counters: [
        [costField('in', session, entry.agentType, entry.model), inputTokens],
        [costField('out', session, entry.agentType, entry.model), outputTokens],
        [costField('nusd', session, entry.agentType, entry.model), nanoUsd],
      ],
    }));
    const totals = [this.taskKey(entry.taskId)];
    if (entry.sessionId !== undefined) totals.push(this.sessionKey(entry.sessionId));
    for (const key of totals) {
      writes.push({
        key,
        ttlMs: this.retentionMs,
        counters: [
          ['in', inputTokens],
          ['out', outputTokens],
          ['nusd', nanoUsd],
        ],
      });
    }
    return writes;
  }

  /** What a task (over all its attempts) and a session have spent so far, in USD. */
  async spend(scope: { taskId?: string; sessionId?: string }): Promise<CostSpend> {
    const keys = [
      scope.taskId && this.taskKey(scope.taskId),
      scope.sessionId && this.sessionKey(scope.sessionId),
    ];
    const [taskUsd = 0, sessionUsd = 0] = await this.totals(keys);
    return { taskUsd, sessionUsd };
  }

  /** What each of `sessionIds` has spent so far, in USD. */
  async sessionSpend(sessionIds: readonly string[]): Promise<Map<string, number>> {
    const ids = [...new Set(sessionIds)];
    const totals = await this.totals(ids.map((id) => this.sessionKey(id)));
    return new Map(ids.map((id, i) => [id, totals[i] ?? 0]));
  }

  /**
   * Tokens and cost in the whole UTC hours that overlap `from`..`to`, filtered and grouped by
   * session, agent type and model. A window reaching further back than the retention starts
   * where the retention does. With `scope.owner`, only the calls of that owner's tasks count.
   */
  async report(query: CostQuery, scope: OwnerScope = {}): Promise<CostReport> {
    const earliest = hourOf(Date.now() - this.retentionMs);
    const first = Math.max(hourOf(query.from), earliest);
    const last = hourOf(Math.max(query.to - 1, query.from));
    const window = { from: first * HOUR_MS, to: Math.max(first, last + 1) * HOUR_MS };
    const pipeline = this.redis.pipeline();
    for (let hour = first; hour <= last; hour++) {
      pipeline.hgetall(this.bucketKey(hour, scope.owner));
    }
    const results = first <= last ? ((await pipeline.exec()) ?? []) : [];
    const buckets = results.map(([err, value]) => {
      if (err) throw err;
      return value as CostBucket;
    });
    return summarizeCosts(buckets, query, window);
  }

  // The USD totals of running-total keys, in one round trip; an absent key (or none asked) is 0.
  private async totals(keys: readonly (string | undefined)[]): Promise<number[]> {
    const asked = keys.filter((key): key is string => key !== undefined && key !== '');
    if (asked.length === 0) return keys.map(() => 0);
    const pipeline = this.redis.pipeline();
    for (const key of asked) pipeline.hget(key, 'nusd');
    const results = (await pipeline.exec()) ?? [];
    let next = 0;
    return keys.map((key) => (key === undefined || key === '' ? 0 : usdOf(results[next++])));
  }

  // The hourly bucket of every call, or of the calls of one owner's tasks.
  private bucketKey(hour: number, owner?: string): string {
    return costBucketKey(this.options.names, hour, owner);
  }

  private taskKey(taskId: string): string {
    return this.options.names.key('costs', 'task', taskId);
  }

  private sessionKey(sessionId: string): string {
    return this.options.names.key('costs', 'session', sessionId);
  }
}

function hourOf(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS);
}

function count(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(`CostLedger: ${name} must be a non-negative number`);
  }
  return value;
}

function tokens(value: number, name: string): number {
  return Math.round(count(value, name));
}

function usdOf(result: [Error | null, unknown] | undefined): number {
  if (result?.[0]) throw result[0];
  const nano = Number(result?.[1] ?? 0);
  return Number.isFinite(nano) ? nano / NANO_USD_PER_USD : 0;
}
