import type { AgentRegistry } from './agent-registry';
import type { CapabilityCatalog } from './capability-catalog';
import { NoLiveAgentError, RedisUnavailableError } from './errors';
import type { QueueNames } from './queue-names';
import type { TaskRequest } from './task';

/** Where a task goes. */
export interface Route {
  capability: string;
  queue: string;
}

/** Options of {@link TaskRouter}. */
export interface TaskRouterOptions {
  names: QueueNames;
  /** Needed when `noLiveAgent` is `'refuse'`. */
  registry?: AgentRegistry;
  /** With no live agent for the capability: `queue` the task anyway or `refuse` it (503). Default: `'queue'`. */
  noLiveAgent?: 'queue' | 'refuse';
}

/** Maps a task's capability to the queue it is enqueued in. */
export class TaskRouter {
  private readonly noLiveAgent: 'queue' | 'refuse';

  constructor(
    private readonly catalog: CapabilityCatalog,
    private readonly options: TaskRouterOptions,
  ) {
    this.noLiveAgent = options.noLiveAgent ?? 'queue';
    if (this.noLiveAgent === 'refuse' && !options.registry) {
      throw new Error("TaskRouter: noLiveAgent 'refuse' needs a registry");
    }
  }

  /**
   * The queue of `task`. Throws `UnknownCapabilityError` for a capability outside the catalog
   * and, when config refuses, `NoLiveAgentError` when no live agent serves it (or
   * `RedisUnavailableError` when the registry cannot be read).
   */
  async route(task: Pick<TaskRequest, 'capability'>): Promise<Route> {
    const entry = this.catalog.get(task.capability);
    if (this.noLiveAgent === 'refuse' && this.options.registry) {
      const live = await this.options.registry
        .list({ capability: entry.name })
        .catch((err: unknown) => {
          throw new RedisUnavailableError(err);
        });
      if (!live.some((agent) => agent.status !== 'draining'))
        throw new NoLiveAgentError(entry.name);
    }
    return { capability: entry.name, queue: this.options.names.capability(entry.name) };
  }

  /** Every queue a capability's tasks may be routed to. */
  queuesOf(capability: string): string[] {
    return [this.options.names.capability(this.catalog.get(capability).name)];
  }

  /** Every capability queue of the catalog. */
  allQueues(): string[] {
    return this.catalog.names().flatMap((name) => this.queuesOf(name));
  }
}
