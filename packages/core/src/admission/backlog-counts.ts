/** Options of {@link BacklogCounts}. */
export interface BacklogCountsOptions {
  /**
   * Reads the counts of `keys` from Redis. A read of everything (the depths of every queue) may
   * ignore `keys`; a key it does not answer counts 0.
   */
  read: (keys: readonly string[]) => Promise<ReadonlyMap<string, number>>;
  /** Age from which a count is read again, in the background. Default: 250 ms. */
  refreshMs?: number;
  /** Age from which a caller waits for a fresh read instead. Default: 20 × `refreshMs`. */
  maxAgeMs?: number;
}

interface Entry {
  /** The count Redis answered. */
  count: number;
  /** What this process had added when the read was sent (in `count`). */
  addedBefore: number;
  /** When the read was sent (epoch ms). */
  readAt: number;
}

/**
 * Counts kept in memory so that admitting a task costs no Redis round trip: each key's count as
 * Redis last answered it, plus what this process added since that read was sent. The caller
 * adds what it stored once Redis confirmed it and then asks for a background read of counts
 * older than `refreshMs` ({@link refreshStale}), so that a read never overlaps its own
 * additions; one never read, or older than `maxAgeMs` (an idle key), is waited for. Several API instances each
 * add only their own tasks between reads: together they may admit up to one refresh interval of
 * their tasks past a limit.
 */
export class BacklogCounts {
  private readonly entries = new Map<string, Entry>();
  private readonly added = new Map<string, number>();
  private readonly refreshMs: number;
  private readonly maxAgeMs: number;
  private reading?: Promise<void>;
  private readonly queued = new Set<string>();

  constructor(private readonly options: BacklogCountsOptions) {
    this.refreshMs = options.refreshMs ?? 250;
    this.maxAgeMs = options.maxAgeMs ?? 20 * this.refreshMs;
  }

  /**
   * The count of each of `keys`: as last read, plus this process's additions since; waits for
   * a read of those never read or older than `maxAgeMs` (with `fresh`, older than `refreshMs`).
   */
  async get(keys: readonly string[], fresh = false): Promise<Map<string, number>> {
    const now = Date.now();
    const waitFor = keys.filter((key) => {
      const entry = this.entries.get(key);
      return !entry || now - entry.readAt >= (fresh ? this.refreshMs : this.maxAgeMs);
    });
    if (waitFor.length > 0) await this.refresh(waitFor);
    return new Map(keys.map((key) => [key, this.countOf(key)]));
  }

  /**
   * The count of `key` without waiting (the hot path: no promise): `undefined` when it was
   * never read or is older than `maxAgeMs`, and then {@link get} must wait for it.
   */
  peek(key: string): number | undefined {
    return this.peekAt(key, Date.now());
  }

  /** Reads the counts of `keys` older than `refreshMs` again, in the background. */
  refreshStale(keys: readonly string[]): void {
    const now = Date.now();
    const stale = keys.filter((key) => {
      const entry = this.entries.get(key);
      return !entry || now - entry.readAt >= this.refreshMs;
    });
    if (stale.length > 0) this.refresh(stale).catch(() => undefined);
  }

  private peekAt(key: string, now: number): number | undefined {
    const entry = this.entries.get(key);
    if (!entry || now - entry.readAt >= this.maxAgeMs) return undefined;
    return this.countOf(key);
  }

  /** Adds `n` to the count of `key` (tasks this process just admitted). */
  add(key: string, n: number): void {
    this.added.set(key, (this.added.get(key) ?? 0) + n);
  }

  private countOf(key: string): number {
    const entry = this.entries.get(key);
    const added = this.added.get(key) ?? 0;
    return (entry?.count ?? 0) + added - (entry?.addedBefore ?? 0);
  }

  // One read at a time; keys asked for while it runs go into the next one.
  private refresh(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.queued.add(key);
    this.reading ??= this.readQueued().finally(() => (this.reading = undefined));
    return this.reading;
  }

  // Keys asked for during a read are read after it only if that read left them stale.
  private async readQueued(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const keys = [...this.queued].filter((key) => {
        const entry = this.entries.get(key);
        return !entry || now - entry.readAt >= this.refreshMs;
      });
      this.queued.clear();
      if (keys.length === 0) return;
      const readAt = Date.now();
      const before = new Map(keys.map((key) => [key, this.added.get(key) ?? 0]));
      const counts = await this.options.read(keys);
      for (const key of keys) {
        this.entries.set(key, {
          count: counts.get(key) ?? 0,
          addedBefore: before.get(key) ?? 0,
          readAt,
        });
      }
    }
  }
}
