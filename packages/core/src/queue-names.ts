/**
 * Names of every queue and Redis key of the system, under one hash-tagged prefix so that all
 * of them land on one Redis Cluster slot.
 */
export class QueueNames {
  /** The BullMQ `prefix` option of every queue and worker, e.g. `{tta}`. */
  readonly prefix: string;

  constructor(prefix = '{tta}') {
    if (!/^\{[^{}]+\}$/.test(prefix)) {
      throw new Error(`queue prefix must be a hash tag such as {tta}, got '${prefix}'`);
    }
    this.prefix = prefix;
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

  /** A plain Redis key of this deployment (registry, locks, world state). */
  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }
}
