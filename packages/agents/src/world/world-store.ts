import {
  AppError,
  PayloadCodec,
  ValidationError,
  VersionConflictError,
  worldActivityKey,
  worldHistoryKey,
  worldKey,
  type QueueNames,
  type RedisClient,
} from '@tta/core';
import { worldStateSchema, type WorldState } from '@tta/contracts';
import { LuaScript } from './lua-script';
import { initialWorld } from './world-map';

/** A session's world with the version it is stored at. */
export interface VersionedWorld {
  world: WorldState;
  /** 0 for the initial world; one more after each update. */
  version: number;
}

/** Options of {@link WorldStore}. */
export interface WorldStoreOptions {
  /** Redis connection (shared; the store does not close it). */
  redis: RedisClient;
  /** Key names: a world lives at `names.key('world', sessionId)`. */
  names: QueueNames;
  /** A session's world expires after this long without a read or update. Default: 7 days. */
  sessionTtlMs?: number;
  /** Attempts of an update that keeps losing races before it gives up. Default: 50. */
  maxUpdateAttempts?: number;
  /**
   * The payload codec: with encryption on, the stored world and the recorded results of tasks
   * (whose `changes` may quote the player) are sealed whole, and opened on read. Default: plain
   * (stored as JSON; sealed ones are still read with a codec that has their key).
   */
  codec?: PayloadCodec;
}

/** {@link WorldStoreOptions} with defaults filled in. */
export type ResolvedWorldStoreOptions = Required<WorldStoreOptions>;

/** Options of {@link WorldStore.update}. */
export interface WorldUpdateOptions {
  /** Apply only if the stored version is this one; otherwise throw, without retrying. */
  expectedVersion?: number;
  /** Stops before the next attempt or write when aborted. */
  signal?: AbortSignal;
  /**
   * The task making the update. A task already applied (run twice after a failover) gets its
   * recorded result back and changes nothing.
   */
  taskId?: string;
}

/** How many applied task ids a session remembers for {@link WorldUpdateOptions.taskId}. */
export const REMEMBERED_TASKS = 256;

/** Default of {@link WorldStoreOptions.sessionTtlMs}: 7 days. */
export const DEFAULT_SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

const SESSION_ID = /^[A-Za-z0-9_.-]{1,128}$/;

// Returns the stored version and state, storing the initial state first if there is none, and
// marks the session active now (KEYS[2], the activity index the retention sweeper reads).
const READ = new LuaScript(`
local stored = redis.call('HMGET', KEYS[1], 'version', 'state')
if not stored[1] then
  stored = {'0', ARGV[1]}
  redis.call('HSET', KEYS[1], 'version', stored[1], 'state', stored[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return stored
`);

// Writes the new state only if the stored version (0 when absent) is still the one read, and
// records the task's result so that a second run of the same task is answered from the record.
// A write marks the session active now (KEYS[3], the activity index).
// Returns {'written'}, {'conflict', storedVersion} or {'replayed', recordedResult}.
const COMPARE_AND_SET = new LuaScript(`
local field = 'task:' .. ARGV[5]
if ARGV[5] ~= '' then
  local recorded = redis.call('HGET', KEYS[1], field)
  if recorded then return {'replayed', recorded} end
end
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) then return {'conflict', tostring(current)} end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'state', ARGV[3])
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[1], field, ARGV[6])
  redis.call('RPUSH', KEYS[2], ARGV[5])
  while redis.call('LLEN', KEYS[2]) > tonumber(ARGV[7]) do
    redis.call('HDEL', KEYS[1], 'task:' .. redis.call('LPOP', KEYS[2]))
  end
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[8], ARGV[9])
return {'written'}
`);

/** Fills the defaults of {@link WorldStoreOptions} and checks them; throws at once if wrong. */
export function resolveWorldStoreOptions(options: WorldStoreOptions): ResolvedWorldStoreOptions {
  const resolved = {
    redis: options.redis,
    names: options.names,
    sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
    maxUpdateAttempts: options.maxUpdateAttempts ?? 50,
    codec: options.codec ?? PayloadCodec.plain(),
  };
  if (!Number.isInteger(resolved.sessionTtlMs) || resolved.sessionTtlMs < 1) {
    throw new TypeError(`sessionTtlMs must be a positive integer, got ${resolved.sessionTtlMs}`);
  }
  if (!Number.isInteger(resolved.maxUpdateAttempts) || resolved.maxUpdateAttempts < 1) {
    throw new TypeError(
      `maxUpdateAttempts must be a positive integer, got ${resolved.maxUpdateAttempts}`,
    );
  }
  return resolved;
}

/**
 * Versioned world state of each session in Redis: a hash of `version` and `state` (JSON, or the
 * JSON of its AES-256-GCM envelope when the codec encrypts).
 * Updates are optimistic: read, compute, then a compare-and-set on the version in one Lua
 * script, so that concurrent updates of one session never lose one. Each read and write marks
 * the session active in an index (`worldActivityKey`), from which the leading supervisor's
 * retention sweep removes worlds idle past their age; the keys' TTL (`sessionTtlMs`) is the
 * same age, in case no supervisor runs.
 */
export class WorldStore {
  private readonly options: ResolvedWorldStoreOptions;

  constructor(options: WorldStoreOptions) {
    this.options = resolveWorldStoreOptions(options);
  }

  /** The Redis key of a session's world. */
  key(sessionId: string): string {
    if (!SESSION_ID.test(sessionId)) {
      throw new ValidationError([
        { path: 'sessionId', message: 'letters, digits, dot, dash or underscore, at most 128' },
      ]);
    }
    return worldKey(this.options.names, sessionId);
  }

  /** A session's world, stored as the initial world first if it has none; renews its TTL. */
  async read(sessionId: string): Promise<VersionedWorld> {
    const key = this.key(sessionId);
    const reply = await READ.run(
      this.options.redis,
      [key, worldActivityKey(this.options.names)],
      [this.serialize(initialWorld()), this.options.sessionTtlMs, Date.now(), sessionId],
    );
    const [version, state] = reply as [string, string];
    return { version: Number(version), world: this.parseState(sessionId, state) };
  }

  /**
   * Computes the next world with `transition` from the stored one and writes it as the next
   * version. On a lost race it reads again and retries, up to `maxUpdateAttempts` times; with
   * `expectedVersion` it throws {@link VersionConflictError} instead.
   */
  async update<T extends { world: WorldState }>(
    sessionId: string,
    transition: (current: VersionedWorld) => T,
    options: WorldUpdateOptions = {},
  ): Promise<T & { version: number; attempts: number }> {
    const key = this.key(sessionId);
    const { expectedVersion, signal, taskId = '' } = options;
    const what = `world of session '${sessionId}'`;
    for (let attempt = 1; ; attempt += 1) {
      signal?.throwIfAborted();
      const current = await this.peek(sessionId, key, taskId);
      if (current.recorded !== undefined)
        return { ...(current.recorded as T & { version: number }), attempts: 0 };
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new VersionConflictError(what, expectedVersion, current.version);
      }
      const next = { ...transition(current), version: current.version + 1 };
      signal?.throwIfAborted();
      const outcome = await this.compareAndSet(sessionId, current.version, next, taskId);
      if (outcome.kind === 'written') return { ...next, attempts: attempt };
      if (outcome.kind === 'replayed')
        return { ...(outcome.recorded as T & { version: number }), attempts: 0 };
      if (expectedVersion !== undefined || attempt >= this.options.maxUpdateAttempts) {
        throw new VersionConflictError(what, current.version, outcome.version);
      }
    }
  }

  /**
   * The stored world without creating or touching it (the initial world at version 0 if none),
   * and the recorded result of `taskId` if that task was applied already.
   */
  private async peek(
    sessionId: string,
    key: string,
    taskId: string,
  ): Promise<VersionedWorld & { recorded?: unknown }> {
    const [version, state, recorded] = await this.options.redis.hmget(
      key,
      'version',
      'state',
      `task:${taskId}`,
    );
    if (taskId !== '' && recorded != null)
      return { version: Number(version), world: initialWorld(), recorded: this.parse(recorded) };
    if (version == null || state == null) return { version: 0, world: initialWorld() };
    return { version: Number(version), world: this.parseState(sessionId, state) };
  }

  /** Writes `next.world` as version `version + 1` and records `next` as the task's result. */
  private async compareAndSet(
    sessionId: string,
    version: number,
    next: { world: WorldState; version: number },
    taskId: string,
  ): Promise<
    | { kind: 'written' }
    | { kind: 'conflict'; version: number }
    | { kind: 'replayed'; recorded: unknown }
  > {
    const reply = (await COMPARE_AND_SET.run(
      this.options.redis,
      [
        worldKey(this.options.names, sessionId),
        worldHistoryKey(this.options.names, sessionId),
        worldActivityKey(this.options.names),
      ],
      [
        version,
        next.version,
        this.serialize(next.world),
        this.options.sessionTtlMs,
        taskId,
        this.serialize(next),
        REMEMBERED_TASKS,
        Date.now(),
        sessionId,
      ],
    )) as [string, string?];
    if (reply[0] === 'written') return { kind: 'written' };
    if (reply[0] === 'replayed')
      return { kind: 'replayed', recorded: this.parse(reply[1] ?? 'null') };
    return { kind: 'conflict', version: Number(reply[1]) };
  }

  // What is stored of a world or a task's result: its JSON, sealed when the codec encrypts.
  private serialize(value: unknown): string {
    return JSON.stringify(this.options.codec.encodeValue(value));
  }

  private parse(text: string): unknown {
    return this.options.codec.decode(JSON.parse(text) as unknown);
  }

  private parseState(sessionId: string, state: string): WorldState {
    const invalid = (cause: unknown) =>
      new AppError('invalid_world_state', `stored world of session '${sessionId}' is not valid`, {
        cause,
      });
    let value: unknown;
    try {
      value = JSON.parse(state);
    } catch (err) {
      throw invalid(err);
    }
    const parsed = worldStateSchema.safeParse(this.options.codec.decode(value));
    if (!parsed.success) throw invalid(parsed.error);
    return parsed.data;
  }
}
