import type { QueueNames } from '../queue-names';
import type { RedisClient } from '../redis-connection';

/** Options of {@link SafetyEventStream}. */
export interface SafetyEventStreamOptions {
  /** Key names of the deployment: the stream is `<prefix>:safety:events`. */
  names: QueueNames;
  /** About how many events the stream keeps (`XADD MAXLEN ~`). Default: 10,000. */
  maxEvents?: number;
}

/** A crisis a run ended on, as the safety stream records it. Never the player's words. */
export interface CrisisEvent {
  /** The run that ended on the crisis. */
  runId: string;
  /** Its player session. */
  sessionId?: string;
  /** The screen's level: `crisis`. */
  level: string;
  /** The screen's categories, e.g. `suicidal_ideation`. */
  categories: readonly string[];
  /** Epoch ms. */
  at: number;
}

/**
 * The capped Redis stream of safety events (`<prefix>:safety:events`): one entry per crisis a
 * workflow run ended on, with fields `type` (`crisis`), `runId`, `sessionId`, `level`,
 * `categories` (comma-separated) and `at` (epoch ms). It never holds the player's text.
 */
export class SafetyEventStream {
  /** The stream's key. */
  readonly key: string;
  private readonly maxEvents: number;

  constructor(
    private readonly redis: RedisClient,
    options: SafetyEventStreamOptions,
  ) {
    this.key = options.names.key('safety', 'events');
    this.maxEvents = options.maxEvents ?? 10_000;
  }

  /** Appends a crisis event; returns its stream id. */
  async crisis(event: CrisisEvent): Promise<string> {
    const fields = ['type', 'crisis', 'runId', event.runId];
    if (event.sessionId !== undefined) fields.push('sessionId', event.sessionId);
    fields.push('level', event.level, 'categories', event.categories.join(','));
    fields.push('at', String(event.at));
    const id = await this.redis.xadd(this.key, 'MAXLEN', '~', this.maxEvents, '*', ...fields);
    return id ?? '';
  }
}
