import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import {
  closeAll,
  formatLabels,
  redactEncrypted,
  type CapabilityCatalog,
  type Logger,
  type QueueNames,
  type QueueShards,
  type TaskRouter,
  type RedisClient,
} from '@tta/core';
import { Queue } from 'bullmq';

/** Options of {@link BoardQueues}. */
export interface BoardQueuesOptions {
  /** The connection the board reads through (the API's producer connection); not closed here. */
  connection: RedisClient;
  /** Queue names and the prefix of the deployment (its control shard). */
  names: QueueNames;
  /**
   * The shards whose queues the board shows; with more than one, each queue's board name starts
   * with its shard (`shard-2:cap.narrative.generate`). Default: the one shard of `names`.
   */
  shards?: QueueShards;
  /** Lists every capability queue and every known pool queue ({@link TaskRouter.refreshQueues}). */
  router: TaskRouter;
  /** Describes the capability queues. */
  catalog: CapabilityCatalog;
  /** Receives failures to close a queue. Default: none. */
  logger?: Logger;
}

interface BoardQueue {
  queue: Queue;
  adapter: BullMQAdapter;
}

/**
 * The queues Bull Board shows, of every shard: every capability queue, every known pool queue,
 * `workflow` and `dead-letter` (read-only: its entries are retried and deleted through the API, which puts a
 * task back in its own queue). {@link BoardQueues.refresh} picks up pools that appeared since.
 * Framework-free: the express side only hands the adapters to Bull Board.
 */
export class BoardQueues {
  private readonly queues = new Map<string, BoardQueue>();
  private closing?: Promise<void>;

  constructor(private readonly options: BoardQueuesOptions) {}

  /**
   * The adapters of every queue known now, in board order: capability and pool queues as the
   * router lists them, then `workflow` and `dead-letter`. Reads the router's known queues (at
   * most once per its snapshot TTL); queues no longer known are closed. Empty once closed.
   */
  async refresh(): Promise<BullMQAdapter[]> {
    const { names } = this.options;
    const shards = this.options.shards?.all ?? [names];
    const queues = [
      ...(await this.options.router.refreshQueues()),
      names.workflow,
      names.deadLetter,
    ];
    const wanted = shards.flatMap((shard) => queues.map((name) => ({ name, shard })));
    if (this.closing) return [];
    const keys = new Set(wanted.map(({ name, shard }) => keyOf(name, shard)));
    await this.closeQueues([...this.queues.keys()].filter((key) => !keys.has(key)));
    return wanted.map(({ name, shard }) => this.open(name, shard, shards.length > 1).adapter);
  }

  /** Closes the queues the board opened (not the connection). Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.closeQueues([...this.queues.keys()]);
    return this.closing;
  }

  private open(name: string, shard: QueueNames, sharded: boolean): BoardQueue {
    const existing = this.queues.get(keyOf(name, shard));
    if (existing) return existing;
    const queue = new Queue(name, { connection: this.options.connection, prefix: shard.prefix });
    const readOnly = name === this.options.names.deadLetter;
    const adapter = new BullMQAdapter(queue, {
      readOnlyMode: readOnly,
      allowRetries: !readOnly,
      description: this.describe(name),
      ...(sharded && { prefix: `shard-${shard.shard}:`, delimiter: ':' }),
    });
    // Player content stays encrypted on the board: it shows `[encrypted]`, never a ciphertext
    // nor (with no key on this page) anything in clear.
    adapter.setFormatter('data', redactEncrypted);
    adapter.setFormatter('returnValue', redactEncrypted);
    const opened = { queue, adapter };
    this.queues.set(keyOf(name, shard), opened);
    return opened;
  }

  private describe(name: string): string {
    const { names, router, catalog } = this.options;
    if (name === names.workflow) return 'Workflow runs (parent jobs, driven by the supervisor)';
    if (name === names.deadLetter) {
      return 'Dead-lettered tasks, read-only here: retry or delete them with /v1/dead-letter';
    }
    const parsed = router.parseQueue(name);
    if (!parsed) return '';
    const description = catalog.get(parsed.capability).description ?? parsed.capability;
    const labels = formatLabels(parsed.labels);
    return labels === '' ? description : `Pool ${labels}: ${description}`;
  }

  private async closeQueues(keys: string[]): Promise<void> {
    const steps = keys.flatMap((key): Array<[string, () => Promise<void>]> => {
      const opened = this.queues.get(key);
      this.queues.delete(key);
      return opened ? [[`board queue ${key}`, () => opened.queue.close()]] : [];
    });
    await closeAll(steps, this.options.logger);
  }
}

function keyOf(name: string, shard: QueueNames): string {
  return `${shard.prefix}:${name}`;
}
