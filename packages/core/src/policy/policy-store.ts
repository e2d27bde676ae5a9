import type { QueueNames } from '../queues/queue-names';
import { appliedPolicySchema, type AppliedPolicy } from './policy-schema';
import type { RedisClient } from '../redis/redis-connection';

/** A reload that was refused: when, and why (every problem found, separated by `; `). */
export interface PolicyError {
  /** Epoch ms of the refused reload. */
  at: number;
  /** The problems, each naming its file and field. */
  message: string;
}

/** What `GET /v1/policy/status` answers. */
export interface PolicyStatus {
  /** Version of the applied policy. */
  version: string;
  /** Epoch ms when it was applied. */
  loadedAt: number;
  /** Where it came from and what applied it. */
  source: string;
  /** The last refused reload, until a reload succeeds. */
  lastError?: PolicyError;
}

/** Options of {@link PolicyStore}. */
export interface PolicyStoreOptions {
  /** Key and channel names of the deployment. */
  names: QueueNames;
}

/** When {@link PolicyStore.publish} writes: only when nothing is stored, or when the version differs. */
export type PublishMode = 'if-absent' | 'if-changed';

// Writes the policy and announces its version, unless the mode says to keep what is stored; a
// successful reload (if-changed) clears the last error even when the version is unchanged.
const PUBLISH = `
local current = redis.call('hget', KEYS[1], 'version')
if current and ARGV[1] == 'if-absent' then return 0 end
if current == ARGV[2] then
  redis.call('hdel', KEYS[1], 'lastError')
  return 0
end
redis.call('hset', KEYS[1], 'version', ARGV[2], 'loadedAt', ARGV[3], 'source', ARGV[4], 'policies', ARGV[5])
redis.call('hdel', KEYS[1], 'lastError')
redis.call('publish', ARGV[6], ARGV[2])
return 1
`;

/**
 * The applied tool policy in Redis: one hash `<prefix>:policy:current` (`version`, `loadedAt`,
 * `source`, `policies` as JSON, `lastError` as JSON), and the channel `<prefix>:policy:changed`
 * on which every new version is announced.
 */
export class PolicyStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: PolicyStoreOptions,
  ) {}

  /** The hash holding the applied policy. */
  get key(): string {
    return this.options.names.key('policy', 'current');
  }

  /** The channel that carries each new version. */
  get channel(): string {
    return this.options.names.key('policy', 'changed');
  }

  /** The stored version, or `null` when no policy is stored. */
  version(): Promise<string | null> {
    return this.redis.hget(this.key, 'version');
  }

  /** The stored policy, or `undefined` when none is. Throws when what is stored is not a policy. */
  async read(): Promise<AppliedPolicy | undefined> {
    const [version, loadedAt, source, policies] = await this.redis.hmget(
      this.key,
      'version',
      'loadedAt',
      'source',
      'policies',
    );
    if (version == null || policies == null) return undefined;
    return appliedPolicySchema.parse({
      version,
      loadedAt: Number(loadedAt),
      source: source ?? '',
      policies: JSON.parse(policies) as unknown,
    });
  }

  /** The stored status, or `undefined` when no policy is stored. */
  async status(): Promise<PolicyStatus | undefined> {
    const [version, loadedAt, source, lastError] = await this.redis.hmget(
      this.key,
      'version',
      'loadedAt',
      'source',
      'lastError',
    );
    if (version == null) return undefined;
    const status: PolicyStatus = { version, loadedAt: Number(loadedAt), source: source ?? '' };
    if (lastError != null) status.lastError = JSON.parse(lastError) as PolicyError;
    return status;
  }

  /** Stores `applied` and announces it, as `mode` says; resolves whether it was written. */
  async publish(applied: AppliedPolicy, mode: PublishMode): Promise<boolean> {
    const written = await this.redis.eval(
      PUBLISH,
      1,
      this.key,
      mode,
      applied.version,
      String(applied.loadedAt),
      applied.source,
      JSON.stringify(applied.policies),
      this.channel,
    );
    return written === 1;
  }

  /** Records a refused reload; the applied policy stays. */
  async recordError(error: PolicyError): Promise<void> {
    await this.redis.hset(this.key, 'lastError', JSON.stringify(error));
  }
}
