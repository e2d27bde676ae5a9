import {
  agentControlChannel,
  closeRedis,
  drainKey,
  parseAgentCommand,
  toError,
  type AgentCommand,
  type Logger,
  type QueueNames,
  type RedisClient,
} from '@tta/core';

/** Options of {@link DrainListener}. */
export interface DrainListenerOptions {
  /**
   * A worker-role connection (`maxRetriesPerRequest: null`). The listener subscribes on a
   * duplicate of it, which it closes; it reads the drain key on this one, which it does not close.
   */
  connection: RedisClient;
  /** Key and channel names of the deployment. */
  names: QueueNames;
  /** The agent whose commands to hear; commands to other agents are ignored. */
  agentId: string;
  /** Receives subscription and check failures. */
  logger: Logger;
  /** Called with each drain command for this agent (possibly more than once for one request). */
  onDrain: (command: AgentCommand) => void;
}

/**
 * Hears drain commands for one agent: a dedicated subscriber on the agent-control channel
 * delivers a command the moment it is given, and {@link DrainListener.check} (run once per
 * heartbeat) reads the agent's drain key, in case the message was missed.
 */
export class DrainListener {
  private readonly channel: string;
  private subscriber?: RedisClient;
  private closing?: Promise<void>;

  constructor(private readonly options: DrainListenerOptions) {
    this.channel = agentControlChannel(options.names);
  }

  /** Subscribes to the agent-control channel; resolves once the subscription is confirmed. */
  async start(): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.options.connection.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) =>
      this.options.logger.warn('agent-control subscriber error', { error: err.message }),
    );
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.deliver(parseAgentCommand(text));
    });
    await subscriber.subscribe(this.channel);
  }

  /** Reads the agent's drain key and delivers the request it holds, if any. Never throws. */
  async check(): Promise<void> {
    try {
      const text = await this.options.connection.get(
        drainKey(this.options.names, this.options.agentId),
      );
      this.deliver(parseAgentCommand(text));
    } catch (err) {
      this.options.logger.warn('drain check failed', { error: toError(err).message });
    }
  }

  /** Closes the subscriber connection. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.subscriber ? closeRedis(this.subscriber) : Promise.resolve();
    return this.closing;
  }

  private deliver(command: AgentCommand | undefined): void {
    if (command?.agentId === this.options.agentId) this.options.onDrain(command);
  }
}
