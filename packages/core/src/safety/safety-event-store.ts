import { withinScope, type OwnerScope } from '../auth/owner-scope';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/load-config';
import { NotFoundError } from '../errors/not-found-error';
import { ReviewConflictError } from '../errors/review-conflict-error';
import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';
import {
  SAFETY_EVENT_SEVERITY,
  type NewSafetyEvent,
  type SafetyAuditEntry,
  type SafetyEvent,
  type SafetyReviewNote,
} from './safety-event';
import { type SafetyEventStatus } from '@tta/contracts';
import { NOTIFY_EVENT, RECORD_EVENT, REVIEW_EVENT } from './safety-event-scripts';

/** Options of {@link SafetyEventStore}. */
export interface SafetyEventStoreOptions {
  /** Key names of the deployment's control shard: every key is `<prefix>:safety:...`. */
  names: QueueNames;
  /** How long events and their audit trail are kept, in ms. Default: 400 days. */
  retentionMs?: number;
  /** Key of the HMAC of the player's words; empty: a random key kept in Redis. Default: empty. */
  hashKey?: string;
}

/** Options of {@link SafetyEventStore.list}. */
export interface SafetyEventListOptions {
  /** Only events of this status. Default: any. */
  status?: SafetyEventStatus;
  /** Only events of this level (`crisis`, `concern`, `unknown`). */
  level?: string;
  /** Only events of this session. */
  sessionId?: string;
  /** Only events of this owner's runs (see `OwnerScope`). Default: every owner's. */
  owner?: string;
  /** Most events of the page. Default: 50. */
  limit?: number;
  /** Where the previous page stopped (its `nextCursor`). */
  cursor?: string;
}

/** A page of the review queue: most severe first, then oldest. */
export interface SafetyEventPage {
  events: SafetyEvent[];
  /** Pass as `cursor` for the next page; absent on the last. */
  nextCursor?: string;
}

/** A review action that was applied. */
export interface ReviewedEvent {
  event: SafetyEvent;
  /** The status the event had before. */
  previous: SafetyEventStatus;
}

/** Most index entries one `list` call looks at while filtering. */
const MAX_SCANNED = 5000;
const SCAN_PAGE = 200;

/**
 * The safety events of the deployment and their review, in Redis: a hash per event
 * (`<prefix>:safety:event:<id>`), sorted sets that order the review queue by severity, then
 * age (one per status and one of all), and the append-only audit stream
 * `<prefix>:safety:events` (events, acknowledgements, resolutions, notifications), trimmed by
 * age to the retention. Events never hold the player's words: a keyed hash stands for them.
 */
export class SafetyEventStore {
  private readonly names: QueueNames;
  private readonly retentionMs: number;
  private hashKey?: Promise<string>;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: SafetyEventStoreOptions,
  ) {
    this.names = options.names;
    this.retentionMs = options.retentionMs ?? 400 * 86_400_000;
  }

  /** The audit stream's key. */
  get auditKey(): string {
    return this.names.key('safety', 'events');
  }

  /** A store with config `safety.events`: its retention and hash key. */
  static fromConfig(
    redis: RedisClient,
    names: QueueNames,
    config: Pick<AppConfig['safety'], 'events'>,
  ): SafetyEventStore {
    return new SafetyEventStore(redis, {
      names,
      retentionMs: config.events.retentionDays * 86_400_000,
      hashKey: config.events.hashKey,
    });
  }

  /** The id of the event of `type` for run `runId`. */
  static idOf(runId: string, type: string): string {
    return `sev_${createHash('sha256').update(`${runId}\n${type}`).digest('hex').slice(0, 24)}`;
  }

  /** Keyed HMAC-SHA256 of the player's words, standing for them in an event. */
  async hashInput(text: string): Promise<string> {
    const key = await this.key();
    return createHmac('sha256', key).update(text).digest('hex');
  }

  /** Records an event once per run and type; answers it, and whether it is new. */
  async record(
    event: NewSafetyEvent,
    now = Date.now(),
  ): Promise<{ event: SafetyEvent; created: boolean }> {
    const id = SafetyEventStore.idOf(event.runId, event.type);
    const severity = SAFETY_EVENT_SEVERITY[event.type];
    const full: SafetyEvent = {
      ...event,
      id,
      status: 'open',
      severity,
      createdAt: now,
      notes: [],
      notifications: 0,
    };
    const member = `${9 - severity}:${String(now).padStart(15, '0')}:${id}`;
    const audit = ['action', 'event', 'eventId', id, 'type', event.type, 'runId', event.runId];
    if (event.sessionId !== undefined) audit.push('sessionId', event.sessionId);
    audit.push('level', event.level, 'categories', event.categories.join(','), 'at', String(now));
    audit.push('event', JSON.stringify(full));
    const created = await this.redis.eval(
      RECORD_EVENT,
      5,
      this.eventKey(id),
      this.queueKey('open'),
      this.queueKey('all'),
      this.names.key('safety', 'by-time'),
      this.auditKey,
      member,
      String(now),
      String(this.retentionMs),
      String(now - this.retentionMs),
      JSON.stringify(full),
      ...audit,
    );
    return { event: created === 1 ? full : await this.get(id), created: created === 1 };
  }

  /** One event; throws {@link NotFoundError} for an unknown id, or another owner's. */
  async get(id: string, scope: OwnerScope = {}): Promise<SafetyEvent> {
    const event = (await this.read([id]))[0];
    if (!event || !withinScope(scope, event.owner)) throw new NotFoundError('safety event', id);
    return event;
  }

  /** A page of the review queue, most severe first, then oldest, filtered. */
  async list(options: SafetyEventListOptions = {}): Promise<SafetyEventPage> {
    const limit = options.limit ?? 50;
    const key = this.queueKey(options.status ?? 'all');
    const events: SafetyEvent[] = [];
    let from = options.cursor === undefined ? '-' : `(${options.cursor}`;
    let scanned = 0;
    while (events.length < limit && scanned < MAX_SCANNED) {
      const members = await this.redis.zrangebylex(key, from, '+', 'LIMIT', 0, SCAN_PAGE);
      if (members.length === 0) return { events };
      scanned += members.length;
      const found = await this.read(members.map(idOfMember));
      for (let i = 0; i < members.length; i += 1) {
        const event = found[i];
        from = `(${members[i] ?? ''}`;
        if (!event || !matches(event, options)) continue;
        events.push(event);
        if (events.length === limit) {
          const more = await this.redis.zrangebylex(key, from, '+', 'LIMIT', 0, 1);
          return more.length > 0 ? { events, nextCursor: members[i] } : { events };
        }
      }
      if (members.length < SCAN_PAGE) return { events };
    }
    return { events, nextCursor: from.slice(1) };
  }

  /** Acknowledges an open event; throws {@link ReviewConflictError} when it is not open. */
  acknowledge(id: string, by: string, note = '', now = Date.now()): Promise<ReviewedEvent> {
    return this.review(id, 'acknowledged', by, note, now);
  }

  /** Resolves an event not yet resolved; throws {@link ReviewConflictError} when it is. */
  resolve(id: string, by: string, note = '', now = Date.now()): Promise<ReviewedEvent> {
    return this.review(id, 'resolved', by, note, now);
  }

  /** Counts a notification of an event still open; answers whether it was open. */
  async notified(id: string, now = Date.now()): Promise<boolean> {
    const open = await this.redis.eval(
      NOTIFY_EVENT,
      2,
      this.eventKey(id),
      this.auditKey,
      String(now),
      String(now - this.retentionMs),
      id,
    );
    return open === 1;
  }

  /** Open events by type, for the gauge of unacknowledged events. */
  async openCounts(): Promise<Record<string, number>> {
    const key = this.queueKey('open');
    const counts: Record<string, number> = {};
    for (const [type, severity] of Object.entries(SAFETY_EVENT_SEVERITY)) {
      const rank = 9 - severity;
      counts[type] = await this.redis.zlexcount(key, `[${rank}:`, `(${rank + 1}:`);
    }
    return counts;
  }

  /**
   * The audit trail from `since` (epoch ms, inclusive) on, oldest first, a page at a time: at
   * most `count` entries after the stream id `after`.
   */
  async audit(
    options: { since?: number; after?: string; count?: number } = {},
  ): Promise<SafetyAuditEntry[]> {
    const start = options.after !== undefined ? `(${options.after}` : String(options.since ?? 0);
    const rows = await this.redis.xrange(this.auditKey, start, '+', 'COUNT', options.count ?? 500);
    return rows.map(([id, fields]) => auditEntryOf(id, fields));
  }

  /** An audit entry from its stream id and fields. */
  parseAuditEntry(id: string, fields: string[]): SafetyAuditEntry {
    return auditEntryOf(id, fields);
  }

  /**
   * Removes the events past the retention, at most `limit`, oldest first: their hashes, notes
   * and places in the review queue (the hashes also expire on their own). Answers how many.
   */
  async sweep(now = Date.now(), limit = 1000): Promise<number> {
    const byTime = this.names.key('safety', 'by-time');
    const cutoff = now - this.retentionMs;
    const members = await this.redis.zrangebyscore(byTime, '-inf', cutoff, 'LIMIT', 0, limit);
    if (members.length === 0) return 0;
    const queues = (['open', 'acknowledged', 'resolved', 'all'] as const).map((s) =>
      this.queueKey(s),
    );
    const multi = this.redis.multi();
    for (const queue of queues) multi.zrem(queue, ...members);
    multi.zrem(byTime, ...members);
    for (const member of members) {
      const id = idOfMember(member);
      multi.del(this.eventKey(id), `${this.eventKey(id)}:notes`);
    }
    const replies = await multi.exec();
    // What this call took out of the time index: a concurrent sweep counts the rest.
    const [err, removed] = replies?.[queues.length] ?? [null, 0];
    if (err) throw err;
    return Number(removed);
  }

  private async review(
    id: string,
    action: 'acknowledged' | 'resolved',
    by: string,
    note: string,
    now: number,
  ): Promise<ReviewedEvent> {
    const answer = String(
      await this.redis.eval(
        REVIEW_EVENT,
        6,
        this.eventKey(id),
        this.queueKey('open'),
        this.queueKey('acknowledged'),
        this.queueKey('resolved'),
        this.auditKey,
        `${this.eventKey(id)}:notes`,
        action,
        by,
        note,
        String(now),
        String(now - this.retentionMs),
        id,
      ),
    );
    if (answer === 'missing') throw new NotFoundError('safety event', id);
    if (!answer.startsWith('ok:')) {
      throw new ReviewConflictError(
        id,
        answer,
        action === 'acknowledged' ? 'acknowledged' : 'resolved',
      );
    }
    return { event: await this.get(id), previous: answer.slice(3) as SafetyEventStatus };
  }

  // The events of `ids`, in order; `undefined` for one that is gone.
  private async read(ids: readonly string[]): Promise<(SafetyEvent | undefined)[]> {
    if (ids.length === 0) return [];
    const multi = this.redis.multi();
    for (const id of ids) {
      multi.hgetall(this.eventKey(id));
      multi.lrange(`${this.eventKey(id)}:notes`, 0, -1);
    }
    const replies = (await multi.exec()) ?? [];
    return ids.map((_, i) => {
      const hash = replies[2 * i]?.[1] as Record<string, string> | undefined;
      const notes = (replies[2 * i + 1]?.[1] as string[] | undefined) ?? [];
      return hash?.event === undefined ? undefined : eventOf(hash, notes);
    });
  }

  private key(): Promise<string> {
    if (this.options.hashKey) return Promise.resolve(this.options.hashKey);
    this.hashKey ??= (async () => {
      const key = this.names.key('safety', 'hash-key');
      await this.redis.set(key, randomBytes(32).toString('hex'), 'NX');
      const stored = await this.redis.get(key);
      if (stored === null) throw new Error('the safety hash key could not be stored');
      return stored;
    })();
    this.hashKey.catch(() => (this.hashKey = undefined));
    return this.hashKey;
  }

  private eventKey(id: string): string {
    return this.names.key('safety', 'event', id);
  }

  private queueKey(status: SafetyEventStatus | 'all'): string {
    return this.names.key('safety', 'queue', status);
  }
}

function idOfMember(member: string): string {
  return member.slice(member.lastIndexOf(':') + 1);
}

function matches(event: SafetyEvent, options: SafetyEventListOptions): boolean {
  if (options.status !== undefined && event.status !== options.status) return false;
  if (options.level !== undefined && event.level !== options.level) return false;
  if (!withinScope(options, event.owner)) return false;
  return options.sessionId === undefined || event.sessionId === options.sessionId;
}

function eventOf(hash: Record<string, string>, notes: string[]): SafetyEvent {
  const event = JSON.parse(hash.event ?? '{}') as SafetyEvent;
  event.status = (hash.status ?? 'open') as SafetyEventStatus;
  event.notifications = Number(hash.notifications ?? 0);
  if (hash.notifiedAt !== undefined) event.notifiedAt = Number(hash.notifiedAt);
  if (hash.acknowledgedAt !== undefined) event.acknowledgedAt = Number(hash.acknowledgedAt);
  if (hash.acknowledgedBy !== undefined) event.acknowledgedBy = hash.acknowledgedBy;
  if (hash.resolvedAt !== undefined) event.resolvedAt = Number(hash.resolvedAt);
  if (hash.resolvedBy !== undefined) event.resolvedBy = hash.resolvedBy;
  event.notes = notes.map((n) => JSON.parse(n) as SafetyReviewNote);
  return event;
}

function auditEntryOf(id: string, fields: string[]): SafetyAuditEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
  const entry: SafetyAuditEntry = {
    id,
    action: (f.action ?? 'event') as SafetyAuditEntry['action'],
    eventId: f.eventId ?? '',
    at: Number(f.at ?? id.split('-')[0]),
  };
  if (f.event !== undefined) entry.event = JSON.parse(f.event) as SafetyEvent;
  if (f.by !== undefined && f.by !== '') entry.by = f.by;
  if (f.note !== undefined && f.note !== '') entry.note = f.note;
  return entry;
}
