import { Cluster } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import { toError } from '../errors/to-error';
import type { RedisClient } from '../redis/redis-connection';
import type { Logger } from '../telemetry/logger';
import { reuseMetric } from '../telemetry/metrics';

/** Options of {@link RedisMemory}. */
export interface RedisMemoryOptions {
  /**
   * Share of `maxmemory` from which Redis counts as under pressure (new work is refused). 1
   * turns pressure off. Default: 0.9.
   */
  highWatermark?: number;
  /** Time between two reads of `INFO memory`. Default: 1000 ms. */
  intervalMs?: number;
  /**
   * Share of `maxmemory` from which Redis counts as full: writes (a heartbeat) may have been
   * refused. Default: 0.98.
   */
  fullRatio?: number;
  /** Told when a read fails (at most once a minute). Default: none. */
  logger?: Logger;
}

/** One read of Redis's `INFO memory`. */
export interface RedisMemoryReading {
  /** `used_memory`, in bytes (the largest of a cluster's masters by ratio). */
  usedBytes: number;
  /** `maxmemory`, in bytes; 0 when Redis has no limit. */
  maxBytes: number;
  /** `usedBytes / maxBytes`; 0 without a limit. */
  ratio: number;
  /** When it was read (epoch ms). */
  readAt: number;
}

/**
 * Watches how full Redis is: reads `INFO memory` (every master of a cluster) every
 * `intervalMs` and keeps the last reading, so that the hot path (admitting a task) asks a
 * field, never Redis. A reading older than five intervals (Redis not answering) counts as
 * unknown: no pressure, since then Redis itself decides. It also remembers when Redis was
 * last full (at `fullRatio` of `maxmemory` or more), so that the supervisor does not take
 * agents whose heartbeats Redis refused for dead.
 */
export class RedisMemory {
  private readonly highWatermark: number;
  private readonly intervalMs: number;
  private readonly fullRatio: number;
  private last?: RedisMemoryReading;
  private lastFullAt = Number.NEGATIVE_INFINITY;
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;
  private lastWarnedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisMemoryOptions = {},
  ) {
    this.highWatermark = options.highWatermark ?? 0.9;
    this.intervalMs = options.intervalMs ?? 1000;
    this.fullRatio = options.fullRatio ?? 0.98;
    if (!(this.highWatermark > 0 && this.highWatermark <= 1)) {
      throw new TypeError('RedisMemory: highWatermark must be above 0 and at most 1');
    }
  }

  /** Reads once (a failure is no error: the reading stays unknown), then every `intervalMs`. */
  async start(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
    await this.refresh();
  }

  /** Stops reading. Safe to call twice. */
  close(): Promise<void> {
    clearInterval(this.timer);
    return this.reading ?? Promise.resolve();
  }

  /** The last reading, unless it is older than five intervals. */
  get current(): RedisMemoryReading | undefined {
    const last = this.last;
    return last && Date.now() - last.readAt <= 5 * this.intervalMs ? last : undefined;
  }

  /** `used_memory / maxmemory` as last read; 0 while unknown or without a limit. */
  get ratio(): number {
    return this.current?.ratio ?? 0;
  }

  /** Whether Redis is at or above the high watermark of its `maxmemory`: refuse new work. */
  get underPressure(): boolean {
    return this.highWatermark < 1 && this.ratio >= this.highWatermark;
  }

  /** Whether Redis was full (writes refused, or close to it) at any time in the last `ms`. */
  fullWithin(ms: number): boolean {
    return Date.now() - this.lastFullAt <= ms;
  }

  /** Reads `INFO memory` now (reads asked for meanwhile share it). */
  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  /** Registers `tta_redis_memory_ratio` (and the bytes behind it) in `registry`. */
  exportTo(registry: Registry): void {
    const current = () => this.current;
    reuseMetric(
      registry,
      'tta_redis_memory_ratio',
      () =>
        new Gauge({
          name: 'tta_redis_memory_ratio',
          help: 'Redis used_memory / maxmemory as last read (0 without maxmemory); new work is refused from config admission.memoryHighWatermark',
          registers: [registry],
          collect() {
            this.set(current()?.ratio ?? 0);
          },
        }),
    );
    reuseMetric(
      registry,
      'tta_redis_memory_used_bytes',
      () =>
        new Gauge({
          name: 'tta_redis_memory_used_bytes',
          help: 'Redis used_memory as last read, in bytes',
          registers: [registry],
          collect() {
            this.set(current()?.usedBytes ?? 0);
          },
        }),
    );
    reuseMetric(
      registry,
      'tta_redis_memory_max_bytes',
      () =>
        new Gauge({
          name: 'tta_redis_memory_max_bytes',
          help: 'Redis maxmemory as last read, in bytes (0: no limit)',
          registers: [registry],
          collect() {
            this.set(current()?.maxBytes ?? 0);
          },
        }),
    );
  }

  private async read(): Promise<void> {
    try {
      const nodes = this.redis instanceof Cluster ? this.redis.nodes('master') : [this.redis];
      const readings = await Promise.all(
        nodes.map(async (node) => parseRedisMemoryInfo(await node.info('memory'))),
      );
      const fullest = readings.reduce((a, b) => (b.ratio > a.ratio ? b : a));
      this.last = { ...fullest, readAt: Date.now() };
      if (fullest.ratio >= this.fullRatio) this.lastFullAt = this.last.readAt;
    } catch (err) {
      const now = Date.now();
      if (now - this.lastWarnedAt < 60_000) return;
      this.lastWarnedAt = now;
      this.options.logger?.warn('redis memory not read', { error: toError(err).message });
    }
  }
}

/** `used_memory` and `maxmemory` of an `INFO memory` answer. */
export function parseRedisMemoryInfo(info: string): Omit<RedisMemoryReading, 'readAt'> {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
    return match ? Number(match[1]) : 0;
  };
  const usedBytes = field('used_memory');
  const maxBytes = field('maxmemory');
  return { usedBytes, maxBytes, ratio: maxBytes > 0 ? usedBytes / maxBytes : 0 };
}
