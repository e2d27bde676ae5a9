import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import {
  closeAll,
  formatLabels,
  type CapabilityCatalog,
  type Logger,
  type QueueNames,
  type TaskRouter,
} from '@tta/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Options of {@link BoardQueues}. */
export interface BoardQueuesOptions {
  /** The connection the board reads through (the API's producer connection); not closed here. */
  connection: Redis;
  /** Queue names and the prefix of the deployment. */
  names: QueueNames;
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
 * The queues Bull Board shows: every capability queue, every known pool queue, `workflow` and
 * `dead-letter` (read-only: its entries are retried and deleted through the API, which puts a
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
    const wanted = [
      ...(await this.options.router.refreshQueues()),
      names.workflow,
      names.deadLetter,
    ];
    if (this.closing) return [];
    const gone = [...this.queues.keys()].filter((name) => !wanted.includes(name));
    await this.closeQueues(gone);
    return wanted.map((name) => this.open(name).adapter);
  }

  /** Closes the queues the board opened (not the connection). Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.closeQueues([...this.queues.keys()]);
    return this.closing;
  }

  private open(name: string): BoardQueue {
    const existing = this.queues.get(name);
    if (existing) return existing;
    const queue = new Queue(name, {
      connection: this.options.connection,
      prefix: this.options.names.prefix,
    });
    const readOnly = name === this.options.names.deadLetter;
    const adapter = new BullMQAdapter(queue, {
      readOnlyMode: readOnly,
      allowRetries: !readOnly,
      description: this.describe(name),
    });
    const opened = { queue, adapter };
    this.queues.set(name, opened);
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

  private async closeQueues(names: string[]): Promise<void> {
    const steps = names.flatMap((name): Array<[string, () => Promise<void>]> => {
      const opened = this.queues.get(name);
      this.queues.delete(name);
      return opened ? [[`board queue ${name}`, () => opened.queue.close()]] : [];
    });
    await closeAll(steps, this.options.logger);
  }
}
