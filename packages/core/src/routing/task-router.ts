import type { AgentRegistry } from '../registry/agent-registry';
import type { CapabilityCatalog } from '../capabilities/capability-catalog';
import {
  chooseRoute,
  type RatedCandidate,
  type RouteCandidate,
  type RouteChoice,
} from './choose-route';
import { ConfigError } from '../errors/config-error';
import { NoLiveAgentError } from '../errors/no-live-agent-error';
import { redisFailure } from '../errors/redis-failure';
import type { UnknownRequirementsError } from '../errors/unknown-requirements-error';
import { ValidationError } from '../errors/validation-error';
import { formatLabels, labelSetProblem, type LabelSet } from '../labels/label-set';
import { parsePoolName, poolName } from '../labels/pool-name';
import { DeclaredPools } from './declared-pools';
import type { QueueNames } from '../queues/queue-names';
import type { QueueShards } from '../queues/queue-shards';
import {
  RoutingSnapshot,
  type RoutingState,
  type RoutingStateReadOptions,
} from './routing-snapshot';

/** What the router needs of a task: what it asks for and which labels its agent must carry. */
export interface RouteRequest {
  /** The capability to run, e.g. `narrative.generate`. */
  capability: string;
  /** Labels the serving agent must carry, e.g. `{ tier: 'fast' }`; none when absent. */
  requirements?: LabelSet;
}

/** Where a task goes. */
export interface Route {
  /** The capability, as the catalog names it. */
  capability: string;
  /** The queue the task goes to: generic or pool. */
  queue: string;
}

/** A capability queue name taken apart. */
export interface ParsedQueue {
  /** The capability whose queue it is. */
  capability: string;
  /** Labels of the pool; `{}` for the generic queue. */
  labels: LabelSet;
}

/** A known queue of a capability with its live capacity (`GET /v1/capabilities`). */
export interface QueueCapacity extends ParsedQueue {
  /** The queue name. */
  queue: string;
  /** Live, non-draining agents consuming the queue. */
  liveAgents: number;
  /** Sum of their concurrency. */
  capacity: number;
}

/** What the router would do with a task now, and why (`GET /v1/routing/preview`). */
export interface RoutePreview {
  /** The capability asked about. */
  capability: string;
  /** The requirements asked about; `{}` for none. */
  requirements: LabelSet;
  /** The queue the task would go to; `null` when it would be refused. */
  chosen: { queue: string | null; reason: string };
  /** Every known queue of the capability with the verdict on it. */
  candidates: RatedCandidate[];
}

/** Options of {@link TaskRouter}. */
export interface TaskRouterOptions {
  /** Queue names of the deployment. */
  names: QueueNames;
  /** The shards whose backlogs routing sums. Default: the one shard of `names`. */
  shards?: QueueShards;
  /**
   * The live-agent registry. Needed when `noLiveAgent` is `'refuse'`, and for routing tasks
   * with requirements by live capacity: without it such a task goes to the exact pool queue of
   * its requirements.
   */
  registry?: AgentRegistry;
  /** With no live agent able to serve a task: `queue` it anyway or `refuse` it (503). Default: `'queue'`. */
  noLiveAgent?: 'queue' | 'refuse';
  /** Longest time the router reuses what it read of the registry and queue depths. Default: 250 ms. */
  snapshotTtlMs?: number;
  /**
   * The label sets config declares, by capability (see `configuredLabelSets`): a task may
   * require any part of one of them, or of the labels of a live agent serving its capability;
   * any other requirements are refused with {@link UnknownRequirementsError}. Default: none
   * (only live agents declare labels).
   */
  pools?: Readonly<Record<string, readonly LabelSet[]>>;
  /**
   * Most queues the router keeps track of (see `RoutingState.known`); config must not declare
   * more pool queues than this ({@link ConfigError} at construction). Default: 256.
   */
  maxPools?: number;
}

const NO_STATE: RoutingState = { takenAt: 0, loads: new Map(), live: new Set(), known: new Set() };
const DEFAULT_MAX_POOLS = 256;

/**
 * Maps a task to its queue. A task without requirements goes to its capability's generic queue,
 * with no Redis round trip. A task with requirements (labels its agent must carry) goes to a
 * pool queue whose labels include them and that live agents consume, the one with the lowest
 * expected wait (see {@link chooseRoute}); live capacity and backlogs come from a
 * {@link RoutingSnapshot}.
 *
 * Requirements must be declared: a part of a label set that config declares for the capability
 * (`pools`), or of the labels of a registered agent serving it. Anything else is refused with
 * {@link UnknownRequirementsError} before a queue is made for it, so callers cannot create pool
 * queues at will. Config-declared labels are what lets a task wait for an agent that has not
 * started yet (scaled from zero).
 *
 * With no live agent able to serve a task, config decides: `refuse` throws
 * {@link NoLiveAgentError}; `queue` puts it in the exact pool queue of its requirements, which
 * every agent carrying those labels consumes, so the first such agent to start takes it. It is
 * not put in the generic queue: an agent without the labels would take it.
 */
export class TaskRouter {
  private readonly noLiveAgent: 'queue' | 'refuse';
  private readonly capabilities: readonly string[];
  private readonly snapshot?: RoutingSnapshot;
  private readonly liveCandidates = new WeakMap<RoutingState, Map<string, RouteCandidate[]>>();
  private readonly declared: DeclaredPools;

  constructor(
    private readonly catalog: CapabilityCatalog,
    private readonly options: TaskRouterOptions,
  ) {
    this.noLiveAgent = options.noLiveAgent ?? 'queue';
    if (this.noLiveAgent === 'refuse' && !options.registry) {
      throw new Error("TaskRouter: noLiveAgent 'refuse' needs a registry");
    }
    this.capabilities = catalog.names();
    this.assertDistinctQueueNames();
    const maxPools = options.maxPools ?? DEFAULT_MAX_POOLS;
    const pools = Object.entries(options.pools ?? {}).filter(([name]) => catalog.has(name));
    this.declared = new DeclaredPools({
      names: options.names,
      pools: Object.fromEntries(pools),
      maxPools,
    });
    if (options.registry) {
      this.snapshot = new RoutingSnapshot(options.registry, {
        names: options.names,
        ttlMs: options.snapshotTtlMs,
        maxPools,
        ...(options.shards && { shards: options.shards }),
      });
    }
  }

  /**
   * The queue of `task`. Throws `UnknownCapabilityError` for a capability outside the catalog,
   * `ValidationError` for invalid requirements, {@link UnknownRequirementsError} for
   * requirements that neither config nor a live agent declares, `NoLiveAgentError` when config
   * refuses and no live agent can serve the task, and `RedisUnavailableError` when Redis cannot
   * be read.
   */
  async route(task: RouteRequest): Promise<Route> {
    const entry = this.catalog.get(task.capability);
    const requirements = task.requirements ?? {};
    const fallback = this.exactQueue(entry.name, requirements);
    if (isEmpty(requirements) && this.noLiveAgent === 'queue') {
      return { capability: entry.name, queue: fallback };
    }
    const choice = await this.decide(entry.name, requirements, fallback);
    if (!choice.served) {
      if (this.noLiveAgent === 'refuse') throw new NoLiveAgentError(entry.name, requirements);
      const snapshot = this.snapshot;
      if (snapshot) await this.guard(() => snapshot.record(choice.chosen.queue));
    }
    return { capability: entry.name, queue: choice.chosen.queue };
  }

  /**
   * What {@link route} would do with a task of `capability` and `requirements` now, with the
   * verdict on every known queue of the capability. Reads the registry and depths afresh.
   */
  async preview(capability: string, requirements: LabelSet = {}): Promise<RoutePreview> {
    const entry = this.catalog.get(capability);
    const fallback = this.exactQueue(entry.name, requirements);
    const state = await this.read({ maxAgeMs: 0 });
    const candidates = await this.withBacklogs(state, this.knownCandidates(state, entry.name));
    const choice = chooseRoute({ requirements, candidates, fallback });
    let chosen: RoutePreview['chosen'] = choice.chosen;
    if (!this.declares(state, fallback)) {
      chosen = { queue: null, reason: this.undeclared(state, entry.name, requirements).message };
    } else if (!choice.served && this.noLiveAgent === 'refuse') {
      const reason = `${this.refusal(entry.name, requirements)} (routing.noLiveAgent is refuse)`;
      chosen = { queue: null, reason };
    }
    return { capability: entry.name, requirements, chosen, candidates: choice.candidates };
  }

  /** The known queues of a capability (generic first) with their live capacity, read afresh. */
  async queueCapacities(capability: string): Promise<QueueCapacity[]> {
    const entry = this.catalog.get(capability);
    const state = await this.read({ maxAgeMs: 0 });
    return this.knownCandidates(state, entry.name).map(({ backlog: _backlog, ...rest }) => ({
      ...rest,
      capability: entry.name,
    }));
  }

  /** Reads the known queues again (at most once per snapshot TTL) and returns {@link allQueues}. */
  async refreshQueues(): Promise<string[]> {
    await this.read();
    return this.allQueues();
  }

  /**
   * Every queue a capability's tasks may be in: its generic queue, then the pool queues known
   * from the last read of the registry (live ones, and those consumed or routed to before).
   */
  queuesOf(capability: string): string[] {
    const entry = this.catalog.get(capability);
    return this.knownCandidates(this.snapshot?.latest ?? NO_STATE, entry.name).map((c) => c.queue);
  }

  /** Every known queue of every capability of the catalog (see {@link queuesOf}). */
  allQueues(): string[] {
    return this.capabilities.flatMap((name) => this.queuesOf(name));
  }

  /** Whether `queue` is a queue of a catalog capability: its generic queue or a well-formed pool queue. */
  isTaskQueue(queue: string): boolean {
    return this.parseQueue(queue) !== undefined;
  }

  /**
   * Whether `queue` may hold tasks: a generic queue of the catalog, a pool queue that config
   * declares, or one known to be used (routed to, or consumed by an agent, and not forgotten
   * since: a forgotten pool holds no job). A well-formed pool name nobody declared or used holds
   * none, so callers need not open a queue for it. Throws `RedisUnavailableError` when Redis
   * cannot be read.
   */
  async holdsTasks(queue: string): Promise<boolean> {
    const parsed = this.parseQueue(queue);
    if (!parsed) return false;
    if (isEmpty(parsed.labels) || this.declared.configures(queue)) return true;
    const snapshot = this.snapshot;
    return snapshot ? this.guard(() => snapshot.knows(queue)) : false;
  }

  /** The capability and pool labels of a queue name, or `undefined` when it is no capability queue. */
  parseQueue(queue: string): ParsedQueue | undefined {
    for (const capability of this.capabilities) {
      const generic = this.options.names.capability(capability);
      if (queue === generic) return { capability, labels: {} };
      if (!queue.startsWith(`${generic}.`)) continue;
      const labels = parsePoolName(queue.slice(generic.length + 1));
      if (labels) return { capability, labels };
    }
    return undefined;
  }

  private async decide(
    capability: string,
    requirements: LabelSet,
    fallback: string,
  ): Promise<RouteChoice> {
    const asked = Date.now();
    const choose = (state: RoutingState) =>
      chooseRoute({ requirements, fallback, candidates: this.candidatesOf(state, capability) });
    let state = await this.read();
    if (!this.declares(state, fallback)) {
      // Confirmed on a state read after the task came, so that the labels of an agent that has
      // just started are not refused for as long as a cached state lasts.
      state = await this.read({ maxAgeMs: Date.now() - asked });
      if (!this.declares(state, fallback)) throw this.undeclared(state, capability, requirements);
    }
    const choice = choose(state);
    if (choice.served || this.noLiveAgent === 'queue') return choice;
    // A refusal is confirmed on a state read after the task came, so that an agent that has
    // just started is not refused for as long as a cached state lasts.
    return choose(await this.read({ maxAgeMs: Date.now() - asked }));
  }

  // The exact pool queue of some requirements is declared when config declares it, or when a
  // registered agent consumes it (an agent consumes the pool queue of each subset of its labels).
  private declares(state: RoutingState, exactQueue: string): boolean {
    const parsed = this.parseQueue(exactQueue);
    if (!parsed || isEmpty(parsed.labels)) return true;
    return this.declared.configures(exactQueue) || state.live.has(exactQueue);
  }

  private undeclared(
    state: RoutingState,
    capability: string,
    requirements: LabelSet,
  ): UnknownRequirementsError {
    const live = [...state.live]
      .map((queue) => this.parseQueue(queue))
      .filter((p) => p?.capability === capability && !isEmpty(p.labels))
      .map((p) => (p as ParsedQueue).labels);
    return this.declared.refusal(capability, requirements, live);
  }

  private read(options?: RoutingStateReadOptions): Promise<RoutingState> {
    const snapshot = this.snapshot;
    if (!snapshot) return Promise.resolve(NO_STATE);
    return this.guard(() => snapshot.get(options));
  }

  // Queues with live capacity only: the others cannot win, and there may be many of them.
  private candidatesOf(state: RoutingState, capability: string): RouteCandidate[] {
    let byCapability = this.liveCandidates.get(state);
    if (!byCapability) {
      byCapability = new Map();
      for (const queue of state.loads.keys()) {
        const parsed = this.parseQueue(queue);
        if (!parsed) continue;
        const list = byCapability.get(parsed.capability) ?? [];
        byCapability.set(parsed.capability, [...list, this.candidate(state, queue, parsed.labels)]);
      }
      this.liveCandidates.set(state, byCapability);
    }
    return byCapability.get(capability) ?? [];
  }

  private knownCandidates(state: RoutingState, capability: string): RouteCandidate[] {
    const generic = this.options.names.capability(capability);
    const pools: RouteCandidate[] = [];
    for (const queue of state.known) {
      const parsed = this.parseQueue(queue);
      if (parsed?.capability !== capability || isEmpty(parsed.labels)) continue;
      pools.push(this.candidate(state, queue, parsed.labels));
    }
    pools.sort((a, b) => (a.queue < b.queue ? -1 : 1));
    return [this.candidate(state, generic, {}), ...pools];
  }

  private candidate(state: RoutingState, queue: string, labels: LabelSet): RouteCandidate {
    const load = state.loads.get(queue);
    return {
      queue,
      labels,
      liveAgents: load?.liveAgents ?? 0,
      capacity: load?.capacity ?? 0,
      backlog: load?.backlog ?? 0,
    };
  }

  // The snapshot reads backlogs of live queues only; a preview shows the others' too.
  private async withBacklogs(
    state: RoutingState,
    candidates: RouteCandidate[],
  ): Promise<RouteCandidate[]> {
    const snapshot = this.snapshot;
    const missing = candidates.filter((c) => !state.loads.has(c.queue)).map((c) => c.queue);
    if (!snapshot || missing.length === 0) return candidates;
    const backlogs = await this.guard(() => snapshot.backlogs(missing));
    return candidates.map((c) => ({ ...c, backlog: backlogs.get(c.queue) ?? c.backlog }));
  }

  // The generic queue without requirements, else the pool queue keyed by exactly them.
  private exactQueue(capability: string, requirements: LabelSet): string {
    if (isEmpty(requirements)) return this.options.names.capability(capability);
    const problem = labelSetProblem(requirements);
    if (problem !== undefined) {
      throw new ValidationError([{ path: 'requirements', message: problem }]);
    }
    return this.options.names.capability(capability, poolName(requirements));
  }

  private refusal(capability: string, requirements: LabelSet): string {
    const needs = isEmpty(requirements) ? '' : ` with ${formatLabels(requirements)}`;
    return `no live agent serves ${capability}${needs}: refused`;
  }

  private async guard<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      throw redisFailure(err);
    }
  }

  // `a.b` and `a.b.k-v` would both be named `cap.a.b.k-v` (generic and pool): refused at start.
  private assertDistinctQueueNames(): void {
    for (const a of this.capabilities) {
      for (const b of this.capabilities) {
        if (!b.startsWith(`${a}.`) || parsePoolName(b.slice(a.length + 1)) === undefined) continue;
        throw new ConfigError(
          `invalid configuration: capabilities '${a}' and '${b}': the generic queue of '${b}' would be a pool queue of '${a}'`,
        );
      }
    }
  }
}

function isEmpty(labels: LabelSet): boolean {
  return Object.keys(labels).length === 0;
}
