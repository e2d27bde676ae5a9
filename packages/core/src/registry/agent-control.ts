import type { AgentRegistry } from './agent-registry';
import { NotFoundError } from '../errors/not-found-error';
import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';

/** A command to one agent, as published on the control channel and kept in its drain key. */
export interface AgentCommand {
  /** What the agent is to do: `drain` stops it taking tasks, lets it finish and leave. */
  command: 'drain';
  /** The agent the command is for; every other agent ignores it. */
  agentId: string;
  /** Why, as the operator said; it ends up in the agent's `left` event. */
  reason: string;
  /** Epoch ms when the command was given. */
  requestedAt: number;
}

/** Options of {@link AgentControl}. */
export interface AgentControlOptions {
  /** Key and channel names of the deployment. */
  names: QueueNames;
  /** The registry that says which agents are live (only live ones can be drained). */
  registry: AgentRegistry;
  /**
   * How long a drain request stays readable in its key, for an agent that missed the message
   * (subscriber reconnecting, agent paused): it finds the key on its next heartbeat. Default:
   * 600,000 ms.
   */
  drainTtlMs?: number;
  /** Clock, for tests. Default: `Date.now`. */
  now?: () => number;
}

/** The pub/sub channel that carries {@link AgentCommand}s to the agents: `<prefix>:agent-control`. */
export function agentControlChannel(names: QueueNames): string {
  return names.key('agent-control');
}

/** The key that records a drain request for an agent: `<prefix>:drain:<agentId>`. */
export function drainKey(names: QueueNames, agentId: string): string {
  return names.key('drain', agentId);
}

/** An {@link AgentCommand} from its JSON text, or `undefined` when it is not one. */
export function parseAgentCommand(text: string | null | undefined): AgentCommand | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { command, agentId, reason, requestedAt } = value as Record<string, unknown>;
  if (command !== 'drain' || typeof agentId !== 'string' || agentId === '') return undefined;
  return {
    command,
    agentId,
    reason: typeof reason === 'string' ? reason : '',
    requestedAt: typeof requestedAt === 'number' ? requestedAt : 0,
  };
}

/**
 * Gives commands to live agents. A drain writes the request to the agent's drain key (with a
 * TTL) and publishes it on the control channel in one transaction: the agent hears the message
 * at once, or finds the key on its next heartbeat.
 */
export class AgentControl {
  private readonly drainTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: AgentControlOptions,
  ) {
    this.drainTtlMs = options.drainTtlMs ?? 600_000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.drainTtlMs) || this.drainTtlMs <= 0) {
      throw new TypeError('AgentControl: drainTtlMs must be a positive integer');
    }
  }

  /**
   * Asks a live agent to drain: stop taking tasks, finish or hand back its in-flight ones and
   * leave the registry. Throws {@link NotFoundError} when no live agent has this id. Asking an
   * agent that is already draining again is harmless.
   */
  async drain(agentId: string, reason = 'requested by an operator'): Promise<AgentCommand> {
    const agent = await this.options.registry.get(agentId);
    if (!agent) throw new NotFoundError('agent', agentId);
    const command: AgentCommand = { command: 'drain', agentId, reason, requestedAt: this.now() };
    const text = JSON.stringify(command);
    const results = await this.redis
      .multi()
      .set(drainKey(this.options.names, agentId), text, 'PX', this.drainTtlMs)
      .publish(agentControlChannel(this.options.names), text)
      .exec();
    if (!results) throw new Error('Redis transaction aborted');
    for (const [err] of results) if (err) throw err;
    return command;
  }
}
