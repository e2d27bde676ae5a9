import { EventEmitter } from 'node:events';
import type { CapabilityCatalog } from '../capabilities/capability-catalog';
import { ConfigError } from '../errors/config-error';
import { toError } from '../errors/to-error';
import { Lifecycle, type LifecycleState } from '../lifecycle/lifecycle';
import type { LlmPolicy } from './llm-policy';
import type { Logger } from '../telemetry/logger';
import type { QueueNames } from '../queues/queue-names';
import { closeRedis, duplicateRedis, type RedisClient } from '../redis/redis-connection';
import { parsePolicies, policyVersion, type PolicySources } from './parse-policies';
import { agentPolicyView, type AgentPolicyView, type PolicyProvider } from './policy-provider';
import type { AppliedPolicy } from './policy-schema';
import { PolicyStore, type PolicyError, type PolicyStatus } from './policy-store';
import { readPolicyDir, shownPath } from './read-policy-dir';
import { withTimeout } from './with-timeout';

/** Options of {@link PolicyManager}. */
export interface PolicyManagerOptions {
  /**
   * Connection the applied policy is read and written on; not closed by the manager. It
   * subscribes on a duplicate of it (retrying while Redis is away), which it closes.
   */
  connection: RedisClient;
  /** Key and channel names of the deployment. */
  names: QueueNames;
  /** The policy directory (config `policy.dir`, resolved against the config directory). */
  dir: string;
  /** Receives changes, refusals and Redis failures. Default: none. */
  logger?: Logger;
  /** Checks file names and rate limits against the catalog (see `parsePolicies`). Default: none. */
  catalog?: CapabilityCatalog;
  /** How often the stored version is compared with the applied one, in case an announcement was missed. Default: 5000 ms. */
  checkIntervalMs?: number;
  /** How long `start()` waits for Redis before it applies the policy files instead. Default: 2000 ms. */
  startTimeoutMs?: number;
}

/** Events of {@link PolicyManager}. */
export interface PolicyManagerEvents {
  /** This process swapped to another version. */
  changed: [applied: AppliedPolicy, previous: AppliedPolicy];
  /** A reload found invalid policy files and kept the applied policy. */
  refused: [error: PolicyError];
}

/** What {@link PolicyManager.validate} answers. */
export interface PolicyValidation {
  /** Whether the policies would be applied. */
  valid: boolean;
  /** Every problem, each naming its file (or agent type) and field. */
  errors: string[];
  /** The version they would have, when valid. */
  version?: string;
}

/** What {@link PolicyManager.reload} answers. */
export interface PolicyReload {
  /** Whether the files were valid (and are the applied policy now). */
  applied: boolean;
  /** Whether the applied version changed. */
  changed: boolean;
  /** Why the files were refused; empty when applied. */
  errors: string[];
  /** The status after the reload. */
  status: PolicyStatus;
}

/**
 * The tool policy of the deployment, the same in every process. The applied policy lives in
 * Redis ({@link PolicyStore}); each process keeps a copy, swaps to a new version the moment it
 * is announced on `<prefix>:policy:changed`, and compares versions every `checkIntervalMs` in
 * case it missed one. `reload()` reads the policy directory and applies it only when valid;
 * otherwise the applied policy stays and the reason is recorded in the status.
 */
export class PolicyManager extends EventEmitter<PolicyManagerEvents> implements PolicyProvider {
  private readonly store: PolicyStore;
  private readonly lifecycle = new Lifecycle('PolicyManager');
  private readonly log?: Logger;
  private readonly checkIntervalMs: number;
  private readonly startTimeoutMs: number;
  private applied?: AppliedPolicy;
  private lastError?: PolicyError;
  private subscriber?: RedisClient;
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private syncAgain = false;
  private closing?: Promise<void>;

  constructor(private readonly options: PolicyManagerOptions) {
    super();
    this.store = new PolicyStore(options.connection, { names: options.names });
    this.log = options.logger?.child({ component: 'policy' });
    this.checkIntervalMs = options.checkIntervalMs ?? 5000;
    this.startTimeoutMs = options.startTimeoutMs ?? 2000;
    for (const key of ['checkIntervalMs', 'startTimeoutMs'] as const) {
      if (!Number.isInteger(this[key]) || this[key] <= 0) {
        throw new TypeError(`PolicyManager: ${key} must be a positive integer`);
      }
    }
  }

  /** `idle`, `running` or `stopped`. */
  get state(): LifecycleState {
    return this.lifecycle.state;
  }

  /**
   * Subscribes to announcements and adopts the policy stored in Redis. With none stored, it
   * applies the policy files and stores them (unless another process stored one first); with
   * Redis unreachable, it applies the files and catches up once Redis answers. Throws
   * {@link ConfigError} naming the file and field when it needs the files and they are invalid.
   */
  async start(): Promise<void> {
    this.lifecycle.transition('running');
    try {
      await this.subscribe();
      this.applied = (await this.readStored()) ?? (await this.seed());
    } catch (err) {
      await this.close();
      throw err;
    }
    this.timer = setInterval(() => void this.sync(), this.checkIntervalMs);
    this.log?.info('tool policy applied', {
      version: this.applied.version,
      source: this.applied.source,
    });
  }

  /** The applied policy. */
  current(): AppliedPolicy {
    if (!this.applied)
      throw new Error('PolicyManager: start() must resolve before the policy is read');
    return this.applied;
  }

  /** The policy that applies to `agentType`: its own, else `default`, else deny all. */
  forAgent(agentType: string): AgentPolicyView {
    return agentPolicyView(this.current(), agentType);
  }

  /**
   * The LLM policy of `agentType` (for `AgentRuntimeOptions.llmPolicy`): its policy's `models`
   * (allowed tiers, fallback tier) and `budgets.taskUsd`, or `undefined` when it sets neither.
   */
  llmPolicy(agentType: string): LlmPolicy | undefined {
    const { models, budgets } = this.forAgent(agentType).policy;
    if (!models && budgets.taskUsd === undefined) return undefined;
    return {
      ...(models && { allowedTiers: models.allowedTiers }),
      ...(models?.fallbackTier !== undefined && { fallbackTier: models.fallbackTier }),
      ...(budgets.taskUsd !== undefined && { taskBudgetUsd: budgets.taskUsd }),
    };
  }

  /** Calls `listener` after each change of the applied policy; returns what removes it. */
  onChange(listener: (applied: AppliedPolicy) => void): () => void {
    const wrapped = (applied: AppliedPolicy) => listener(applied);
    this.on('changed', wrapped);
    return () => this.off('changed', wrapped);
  }

  /** Checks policies without applying them. */
  validate(sources: PolicySources): PolicyValidation {
    const parsed = parsePolicies(sources, { catalog: this.options.catalog });
    if (!parsed.ok) return { valid: false, errors: parsed.errors };
    return { valid: true, errors: [], version: policyVersion(parsed.policies) };
  }

  /**
   * Reads the policy directory again and, when every file is valid, applies it in every
   * process (stores and announces it). When not, the applied policy stays and the problems
   * become the status's `lastError`. `trigger` says what asked, for the status's `source`.
   */
  async reload(trigger = 'reload request'): Promise<PolicyReload> {
    this.current(); // throws before start()
    const parsed = readPolicyDir(this.options.dir, { catalog: this.options.catalog });
    if (!parsed.ok) return this.refuse(parsed.errors);
    const next: AppliedPolicy = {
      version: policyVersion(parsed.policies),
      loadedAt: Date.now(),
      source: `${shownPath(this.options.dir)} (${trigger})`,
      policies: parsed.policies,
    };
    const changed = await this.store.publish(next, 'if-changed');
    this.lastError = undefined;
    if (changed) this.adopt(next);
    else await this.sync();
    return { applied: true, changed, errors: [], status: await this.status() };
  }

  /** The status shared by every process (as stored in Redis), or this process's own when none is stored. */
  async status(): Promise<PolicyStatus> {
    return (await this.store.status()) ?? this.localStatus();
  }

  /** Compares the stored version with the applied one and adopts the stored policy when they differ. Never throws. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        await this.syncOnce();
      } while (this.syncAgain);
    })().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /** Stops checking and closes the subscriber. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      await this.syncing;
      if (this.subscriber) await closeRedis(this.subscriber);
      if (this.state !== 'stopped') this.lifecycle.transition('stopped');
    })();
    return this.closing;
  }

  private async subscribe(): Promise<void> {
    const subscriber = duplicateRedis(this.options.connection, {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      connectionName: 'tta-policy-subscriber',
    });
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) =>
      this.log?.warn('policy subscriber error', { error: err.message }),
    );
    subscriber.on('message', (channel: string, version: string) => {
      if (channel === this.store.channel && version !== this.applied?.version) void this.sync();
    });
    // After a reconnection, announcements made meanwhile are lost: compare versions.
    subscriber.on('ready', () => void this.sync());
    const subscribing = subscriber.subscribe(this.store.channel);
    // With Redis away, the subscription completes once it is back (then a check catches up).
    if (this.options.connection.status !== 'ready') {
      void subscribing.catch((err: unknown) =>
        this.log?.warn('policy announcements not subscribed', { error: toError(err).message }),
      );
      return;
    }
    try {
      await withTimeout(subscribing, this.startTimeoutMs, 'subscribe');
    } catch (err) {
      this.log?.warn('policy announcements not subscribed yet', { error: toError(err).message });
    }
  }

  private async readStored(): Promise<AppliedPolicy | undefined> {
    try {
      return await withTimeout(this.store.read(), this.startTimeoutMs, 'policy read');
    } catch (err) {
      this.log?.warn('could not read the applied policy from Redis: using the policy files', {
        error: toError(err).message,
      });
      return undefined;
    }
  }

  // Nothing stored (or Redis away): the policy files, stored unless another process was first.
  private async seed(): Promise<AppliedPolicy> {
    const parsed = readPolicyDir(this.options.dir, { catalog: this.options.catalog });
    if (!parsed.ok) {
      const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : '';
      throw new ConfigError(`${parsed.errors[0] ?? 'invalid policy'}${more}`);
    }
    const applied: AppliedPolicy = {
      version: policyVersion(parsed.policies),
      loadedAt: Date.now(),
      source: `${shownPath(this.options.dir)} (startup)`,
      policies: parsed.policies,
    };
    try {
      const store = async () => {
        await this.store.publish(applied, 'if-absent');
        return (await this.store.read()) ?? applied;
      };
      return await withTimeout(store(), this.startTimeoutMs, 'policy store');
    } catch (err) {
      this.log?.warn('could not store the policy in Redis', { error: toError(err).message });
      return applied;
    }
  }

  private async syncOnce(): Promise<void> {
    const applied = this.applied;
    if (!applied || this.state !== 'running') return;
    try {
      const version = await this.store.version();
      // Nothing stored any more (a Redis without persistence restarted): store ours again.
      if (version === null) await this.store.publish(applied, 'if-absent');
      if (version === null || version === applied.version) return;
      const stored = await this.store.read();
      if (stored) this.adopt(stored);
    } catch (err) {
      this.log?.warn('policy check failed', { error: toError(err).message });
    }
  }

  private adopt(next: AppliedPolicy): void {
    const previous = this.applied;
    if (previous?.version === next.version) return;
    this.applied = next;
    if (!previous) return;
    this.log?.info('tool policy changed', {
      version: next.version,
      previous: previous.version,
      source: next.source,
    });
    this.emit('changed', next, previous);
  }

  private async refuse(errors: string[]): Promise<PolicyReload> {
    const error: PolicyError = { at: Date.now(), message: errors.join('; ') };
    this.lastError = error;
    this.log?.warn('policy reload refused: the applied policy stays', {
      version: this.applied?.version,
      errors,
    });
    this.emit('refused', error);
    await this.store.recordError(error);
    return { applied: false, changed: false, errors, status: await this.status() };
  }

  private localStatus(): PolicyStatus {
    const { version, loadedAt, source } = this.current();
    const status: PolicyStatus = { version, loadedAt, source };
    if (this.lastError) status.lastError = this.lastError;
    return status;
  }
}
