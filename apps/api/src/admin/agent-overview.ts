import type { AgentInfo, AgentRegistry, RegistryEvent } from '@tta/core';

/** An agent that left or died recently, from the registry's event stream. */
export interface GoneAgent {
  /** The agent's id. */
  id: string;
  /** Its agent type. */
  type: string;
  /** `left` (deregistered on purpose: stopped, drained) or `dead` (heartbeat expired). */
  how: 'left' | 'dead';
  /** Epoch ms of the event. */
  at: number;
  /** Why, as the event says (`shutdown`, `drained: ...`, `heartbeat expired`). */
  reason?: string;
}

/** What the agents page shows. */
export interface AgentOverview {
  /** Live agents, by type then id. */
  live: AgentInfo[];
  /** Agents gone within the window and not live again, newest first. */
  gone: GoneAgent[];
  /** Epoch ms when it was read. */
  readAt: number;
}

/** Options of {@link readAgentOverview}. */
export interface ReadAgentOverviewOptions {
  /** How far back gone agents are shown, in ms. */
  historyMs: number;
  /** Most registry events read. Default: 1000. */
  maxEvents?: number;
  /** Clock, for tests. Default: `Date.now`. */
  now?: () => number;
}

/** Reads the live agents and the `left` and `dead` events of the last `historyMs`. */
export async function readAgentOverview(
  registry: AgentRegistry,
  options: ReadAgentOverviewOptions,
): Promise<AgentOverview> {
  const readAt = (options.now ?? Date.now)();
  const [live, events] = await Promise.all([
    registry.list(),
    registry.events(options.maxEvents ?? 1000, readAt - options.historyMs),
  ]);
  live.sort((a, b) => a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
  return { live, gone: goneAgents(events, new Set(live.map((a) => a.id))), readAt };
}

/** The last `left` or `dead` event of each agent that is not live, newest first. */
export function goneAgents(
  events: readonly RegistryEvent[],
  liveIds: ReadonlySet<string>,
): GoneAgent[] {
  const byId = new Map<string, GoneAgent>();
  for (const event of events) {
    if (event.type === 'joined' || liveIds.has(event.agentId)) continue;
    const gone: GoneAgent = {
      id: event.agentId,
      type: event.agentType,
      how: event.type,
      at: event.at,
    };
    if (event.reason !== undefined) gone.reason = event.reason;
    byId.set(event.agentId, gone);
  }
  return [...byId.values()].sort((a, b) => b.at - a.at);
}
