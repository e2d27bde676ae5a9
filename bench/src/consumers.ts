import { Worker } from 'bullmq';
import { AgentRuntime, defineAgent } from '@tta/agent-sdk';
import {
  AgentRegistry,
  type Logger,
  type PayloadCodec,
  type QueueNames,
  type RedisClient,
} from '@tta/core';

/** A consumer under test: started on a queue, stopped after. */
export interface Consumer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Called with the job's `input.sentAt` when a handler starts (for latency). */
export type OnStart = (sentAt: number) => void;

/** Options shared by both consumers. */
export interface ConsumerOptions {
  connection: RedisClient;
  names: QueueNames;
  capability: string;
  concurrency: number;
  logger: Logger;
  onStart?: OnStart;
  /** The agent runtime's payload codec. Default: none. */
  codec?: PayloadCodec;
  /** What the agent runtime's handler returns. Default: `{ ok: true }`. */
  output?: Record<string, unknown>;
}

/** Bare BullMQ: one Worker with a no-op processor. */
export function bareBullmq(options: ConsumerOptions): Consumer {
  let worker: Worker | undefined;
  return {
    async start() {
      worker = new Worker(
        options.names.capability(options.capability),
        async (job) => {
          options.onStart?.((job.data as { input: { sentAt: number } }).input.sentAt);
          return { ok: true };
        },
        {
          connection: options.connection,
          prefix: options.names.prefix,
          concurrency: options.concurrency,
        },
      );
      await worker.waitUntilReady();
    },
    async stop() {
      await worker?.close();
    },
  };
}

/** This system's agent runtime (registry, heartbeats, context, timeouts) with a no-op handler. */
export function agentRuntime(options: ConsumerOptions): Consumer {
  const registry = new AgentRegistry(options.connection, { names: options.names, ttlMs: 3000 });
  const runtime = new AgentRuntime(
    defineAgent({
      type: 'bench',
      capabilities: [options.capability],
      concurrency: options.concurrency,
      handler: async (task) => {
        options.onStart?.(task.input.sentAt as number);
        return options.output ?? { ok: true };
      },
    }),
    {
      connection: options.connection,
      names: options.names,
      registry,
      logger: options.logger,
      ...(options.codec && { codec: options.codec }),
    },
  );
  return { start: () => runtime.start(), stop: () => runtime.stop() };
}
