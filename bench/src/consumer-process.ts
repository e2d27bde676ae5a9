import path from 'node:path';
import type {
  ConsumerCounters,
  ConsumerMessage,
  ConsumerProcessConfig,
} from './children/consumer-protocol';
import { nextMessage, sleep, spawnNode, type NodeChild } from './node-child';

export type { ConsumerCounters, ConsumerProcessConfig };

/** A consumer (bare BullMQ or agent runtime) running in a child process. */
export class ConsumerProcess {
  private constructor(private readonly child: NodeChild) {}

  /** Starts the process and resolves once its workers are ready. */
  static async start(
    config: ConsumerProcessConfig,
    onStart?: (seq: number, startedAt: number) => void,
  ): Promise<ConsumerProcess> {
    const child = spawnNode(path.join(__dirname, 'children/consumer-process.js'), {
      args: [JSON.stringify(config)],
      ipc: true,
    });
    if (onStart) {
      child.process.on('message', (message: ConsumerMessage) => {
        if (message.type !== 'starts') return;
        for (let i = 0; i + 1 < message.starts.length; i += 2) {
          onStart(message.starts[i] as number, message.starts[i + 1] as number);
        }
      });
    }
    try {
      await nextMessage(child, (m) => ((m as ConsumerMessage).type === 'ready' ? true : undefined));
    } catch (err) {
      await child.stop('SIGKILL');
      throw err;
    }
    return new ConsumerProcess(child);
  }

  /** Its pid. */
  get pid(): number {
    return this.child.pid;
  }

  /** Its counters now. */
  async sample(): Promise<ConsumerCounters> {
    const answer = nextMessage(this.child, countersOf('sample'), 10_000);
    this.child.process.send({ type: 'sample' });
    return answer;
  }

  /** Closes its workers (in-flight jobs finish), then the process; its final counters. */
  async stop(): Promise<ConsumerCounters | undefined> {
    if (!this.child.process.connected) {
      await this.child.stop('SIGKILL');
      return undefined;
    }
    const answer = nextMessage(this.child, countersOf('stopped'), 30_000);
    this.child.process.send({ type: 'stop' });
    try {
      return await answer;
    } catch {
      return undefined;
    } finally {
      // It exits by itself once its connection is closed; a signal only if it does not.
      await Promise.race([this.child.exited, sleep(5000)]);
      await this.child.stop('SIGTERM', 5000);
    }
  }
}

function countersOf(type: 'sample' | 'stopped') {
  return (message: unknown): ConsumerCounters | undefined => {
    const m = message as ConsumerMessage;
    return m.type === type ? m.counters : undefined;
  };
}

/** Sums the counters of several processes (their `at` is the latest). */
export function sumCounters(list: ConsumerCounters[]): ConsumerCounters {
  return list.reduce(
    (sum, c) => ({
      at: Math.max(sum.at, c.at),
      started: sum.started + c.started,
      completed: sum.completed + c.completed,
      active: sum.active + c.active,
      activeIntegralMs: sum.activeIntegralMs + c.activeIntegralMs,
      runMsSum: sum.runMsSum + c.runMsSum,
    }),
    { at: 0, started: 0, completed: 0, active: 0, activeIntegralMs: 0, runMsSum: 0 },
  );
}
