/** Options of {@link QueueNames}. */
export interface QueueNamesOptions {
  /**
   * Index of the shard these names are of (see `QueueShards`); task and run ids created for it
   * carry it. Default: 0, the control shard (and the only one of a deployment of one shard).
   */
  shard?: number;
}

/**
 * Names of every queue and Redis key of one shard, under one hash-tagged prefix so that all
 * of them land on one Redis Cluster slot.
 */
export class QueueNames {
  /** The BullMQ `prefix` option of every queue and worker, e.g. `{tta}`. */
  readonly prefix: string;
  /** Index of the shard these names are of: 0 unless the deployment has several. */
  readonly shard: number;

  constructor(prefix = '{tta}', options: QueueNamesOptions = {}) {
    if (!/^\{[^{}]+\}$/.test(prefix)) {
      throw new Error(`queue prefix must be a hash tag such as {tta}, got '${prefix}'`);
    }
    const shard = options.shard ?? 0;
    if (!Number.isInteger(shard) || shard < 0) {
      throw new Error(`shard must be a non-negative integer, got ${shard}`);
    }
    this.prefix = prefix;
    this.shard = shard;
  }

  /** The queue of a capability: `cap.<capability>`, or `cap.<capability>.<pool>` for a pool. */
  capability(capability: string, pool?: string): string {
    return pool ? `cap.${capability}.${pool}` : `cap.${capability}`;
  }

  /** The queue of workflow runs. */
  get workflow(): string {
    return 'workflow';
  }

  /** The dead-letter queue. */
  get deadLetter(): string {
    return 'dead-letter';
  }

  /** A plain Redis key of this shard (registry, locks, world state). */
  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }
}
