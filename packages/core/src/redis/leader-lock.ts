import { EventEmitter } from 'node:events';
import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import type { RedisClient } from './redis-connection';

/** Events of {@link LeaderLock}. */
export interface LeaderLockEvents {
  /** This process became the leader. */
  acquired: [];
  /** This process stopped being the leader (lock lost or released). */
  lost: [];
}

/** Options of {@link LeaderLock}. */
export interface LeaderLockOptions {
  /** The lock's key. */
  key: string;
  /** This candidate's id, stored as the lock's value. */
  id: string;
  /** Lock lifetime; a standby takes over at most this long after the leader dies. Default: 5000 ms. */
  ttlMs?: number;
  logger?: Logger;
}

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Leader election by one Redis key: `SET NX PX` to acquire, a compare-and-expire script to
 * renew every third of the TTL, a compare-and-delete script to release.
 */
export class LeaderLock extends EventEmitter<LeaderLockEvents> {
  private readonly ttlMs: number;
  private leader = false;
  private renewedAt = 0;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: LeaderLockOptions,
  ) {
    super();
    this.ttlMs = options.ttlMs ?? 5000;
  }

  /** Whether this process holds the lock (as of its last renewal). */
  get isLeader(): boolean {
    return this.leader;
  }

  /** Starts campaigning: tries at once, then every third of the TTL. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(
      () => {
        this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
      },
      Math.max(50, Math.floor(this.ttlMs / 3)),
    );
  }

  /** Stops campaigning and releases the lock if held. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    if (!this.leader) return;
    try {
      await this.redis.eval(RELEASE, 1, this.options.key, this.options.id);
    } finally {
      this.setLeader(false);
    }
  }

  /** The id of the current leader, if any. */
  async currentLeader(): Promise<string | null> {
    return this.redis.get(this.options.key);
  }

  private async tick(): Promise<void> {
    try {
      await withTimeout(this.campaign(), Math.max(100, Math.floor(this.ttlMs / 2)));
    } catch (err) {
      this.options.logger?.warn('leader lock: RedisClient error', { error: toError(err).message });
      // Unable to renew for a whole TTL: another candidate may hold the lock by now.
      if (this.leader && Date.now() - this.renewedAt >= this.ttlMs) this.setLeader(false);
    }
  }

  private async campaign(): Promise<void> {
    if (this.leader) {
      const renewed = await this.redis.eval(
        RENEW,
        1,
        this.options.key,
        this.options.id,
        this.ttlMs,
      );
      if (renewed === 1) this.renewedAt = Date.now();
      else this.setLeader(false);
    } else {
      const set = await this.redis.set(this.options.key, this.options.id, 'PX', this.ttlMs, 'NX');
      if (set === 'OK') {
        this.renewedAt = Date.now();
        this.setLeader(true);
      }
    }
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.emit(leader ? 'acquired' : 'lost');
  }
}

// A command stuck behind a dead connection must not stall the campaign past its TTL.
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
