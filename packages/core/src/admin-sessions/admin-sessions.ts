import type { ChainableCommander } from 'ioredis';
import { redisFailure } from '../errors/redis-failure';
import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';
import { isSessionId, SessionTokens } from './session-tokens';

/** One admin session (a browser logged in at `/admin/login`), as the store holds it. */
export interface AdminSession {
  /** Its id: 128 random bits, base64url-encoded. */
  id: string;
  /** The id of the API key that logged in. */
  keyId: string;
  /** Epoch ms of the login. */
  createdAt: number;
  /** Epoch ms after which it no longer counts. */
  expiresAt: number;
  /** The client address it logged in from (`req.ip`, after the trusted proxies); may be empty. */
  address: string;
  /** The `User-Agent` it logged in with; may be empty. */
  userAgent: string;
}

/** What a login records about its session. */
export interface NewAdminSession {
  /** The id of the API key that logged in. */
  keyId: string;
  /** The client address; cut to 64 characters. Default: empty. */
  address?: string;
  /** The `User-Agent` header; cut to 256 characters. Default: empty. */
  userAgent?: string;
}

/** A session just started, and the token its cookie holds. */
export interface StartedAdminSession {
  /** The session as stored. */
  session: AdminSession;
  /** `<id>.<signature>`: the cookie's value. */
  token: string;
}

/** Options of {@link AdminSessions}. */
export interface AdminSessionsOptions {
  /** Key names of the deployment: sessions live under its prefix. */
  names: QueueNames;
  /** Signs the session tokens (config `auth.sessionSecret`); must not be empty. */
  secret: string;
  /** How long a session lasts. Default: 28,800,000 ms (8 hours). */
  ttlMs?: number;
}

const FIELDS = ['keyId', 'createdAt', 'expiresAt', 'address', 'userAgent'] as const;

/**
 * The admin sessions, server-side in Redis: a hash `<prefix>:admin-session:<id>` (key id,
 * created, expires, client address, user agent) that expires with the session, and a sorted set
 * `<prefix>:admin-sessions` of the ids by expiry to list them. A session counts only while its
 * hash exists, so ending it (logout, `DELETE /v1/admin/sessions/:id`) takes effect at the next
 * request; nothing is cached. Every method reads or writes Redis and throws
 * `RedisUnavailableError` when Redis is unavailable: a session check then fails closed.
 */
export class AdminSessions {
  private readonly tokens: SessionTokens;
  private readonly ttlMs: number;
  private readonly indexKey: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: AdminSessionsOptions,
  ) {
    this.tokens = new SessionTokens({ secret: options.secret });
    this.ttlMs = options.ttlMs ?? 28_800_000;
    if (!Number.isInteger(this.ttlMs) || this.ttlMs <= 0) {
      throw new TypeError('AdminSessions: ttlMs must be a positive integer');
    }
    this.indexKey = options.names.key('admin-sessions');
  }

  /** Starts a session of `login.keyId`, lasting the configured time from `nowMs`. */
  async start(login: NewAdminSession, nowMs = Date.now()): Promise<StartedAdminSession> {
    const { id, token } = this.tokens.issue();
    const session: AdminSession = {
      id,
      keyId: login.keyId,
      createdAt: nowMs,
      expiresAt: nowMs + this.ttlMs,
      address: (login.address ?? '').slice(0, 64),
      userAgent: (login.userAgent ?? '').slice(0, 256),
    };
    const { id: _id, ...fields } = session;
    await this.exec(
      this.redis
        .multi()
        .hset(this.sessionKey(id), fields)
        .pexpire(this.sessionKey(id), this.ttlMs)
        .zadd(this.indexKey, session.expiresAt, id)
        .zremrangebyscore(this.indexKey, '-inf', nowMs),
    );
    return { session, token };
  }

  /**
   * The live session a token names; `undefined` when the token is malformed or forged (no
   * Redis read then), or its session ended or expired.
   */
  async verify(token: string, nowMs = Date.now()): Promise<AdminSession | undefined> {
    const id = this.tokens.verify(token);
    if (id === undefined) return undefined;
    const fields = await this.run(() => this.redis.hgetall(this.sessionKey(id)));
    const session = sessionOf(id, fields);
    return session && session.expiresAt > nowMs ? session : undefined;
  }

  /** The id of the session a token names, when its signature holds; no Redis read. */
  idOf(token: string): string | undefined {
    return this.tokens.verify(token);
  }

  /** The live sessions, newest first. */
  async list(nowMs = Date.now()): Promise<AdminSession[]> {
    const ids = await this.run(() => this.redis.zrangebyscore(this.indexKey, `(${nowMs}`, '+inf'));
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.sessionKey(id));
    const replies = await this.exec(pipeline);
    const sessions = ids
      .map((id, i) => sessionOf(id, replies[i] as Record<string, string>))
      .filter((s): s is AdminSession => s !== undefined && s.expiresAt > nowMs);
    return sessions.sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
  }

  /** Ends the session `id` at once; `false` when no live session has that id. */
  async end(id: string): Promise<boolean> {
    if (!isSessionId(id)) return false;
    const [deleted] = await this.exec(
      this.redis.multi().del(this.sessionKey(id)).zrem(this.indexKey, id),
    );
    return deleted === 1;
  }

  private sessionKey(id: string): string {
    return this.options.names.key('admin-session', id);
  }

  // The replies of a pipeline or transaction; the first failed command fails it all.
  private async exec(commands: ChainableCommander): Promise<unknown[]> {
    const results = await this.run(() => commands.exec());
    if (results === null) throw redisFailure(new Error('transaction discarded'), this.redis);
    return results.map(([err, reply]) => {
      if (err) throw redisFailure(err, this.redis);
      return reply;
    });
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      throw redisFailure(err, this.redis);
    }
  }
}

// A session from its hash; `undefined` for a missing (ended or expired) or damaged one.
function sessionOf(
  id: string,
  fields: Record<string, string> | undefined,
): AdminSession | undefined {
  if (!fields || FIELDS.some((field) => fields[field] === undefined)) return undefined;
  const createdAt = Number(fields.createdAt);
  const expiresAt = Number(fields.expiresAt);
  if (!Number.isFinite(createdAt) || !Number.isFinite(expiresAt)) return undefined;
  return {
    id,
    keyId: fields.keyId ?? '',
    createdAt,
    expiresAt,
    address: fields.address ?? '',
    userAgent: fields.userAgent ?? '',
  };
}
