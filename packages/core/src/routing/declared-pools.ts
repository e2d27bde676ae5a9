import { ConfigError } from '../errors/config-error';
import { UnknownRequirementsError } from '../errors/unknown-requirements-error';
import { undeclaredLabels } from '../labels/declared-labels';
import type { LabelSet } from '../labels/label-set';
import { labelSubsets, poolName } from '../labels/pool-name';
import type { QueueNames } from '../queues/queue-names';

/** Options of {@link DeclaredPools}. */
export interface DeclaredPoolsOptions {
  /** Queue names of the deployment. */
  names: QueueNames;
  /** The label sets config declares, by capability (capabilities of the catalog only). */
  pools: Readonly<Record<string, readonly LabelSet[]>>;
  /** Most pool queues config may declare; more is a {@link ConfigError}. */
  maxPools: number;
}

/**
 * The pool queues that config declares: the queue of each non-empty subset of each declared
 * label set (an agent with those labels consumes every one of them), and the refusal of
 * requirements that neither config nor a live agent declares.
 */
export class DeclaredPools {
  private readonly queues = new Set<string>();

  /** Throws {@link ConfigError} when config declares more than `maxPools` pool queues. */
  constructor(private readonly options: DeclaredPoolsOptions) {
    for (const [capability, sets] of Object.entries(options.pools)) {
      for (const subset of sets.flatMap((set) => labelSubsets(set))) {
        this.queues.add(options.names.capability(capability, poolName(subset)));
      }
    }
    if (this.queues.size > options.maxPools) {
      throw new ConfigError(
        `invalid configuration: routing.maxPools (TTA_ROUTING_MAX_POOLS): config declares ${this.queues.size} pool queues (each subset of agent labels and capability pools is one), more than ${options.maxPools}`,
      );
    }
  }

  /** Whether config declares pool queue `queue`. */
  configures(queue: string): boolean {
    return this.queues.has(queue);
  }

  /**
   * The error refusing `requirements` of `capability`, naming the labels that neither config
   * nor `liveLabelSets` (the labels of the live pool queues of the capability) declares.
   */
  refusal(
    capability: string,
    requirements: LabelSet,
    liveLabelSets: readonly LabelSet[],
  ): UnknownRequirementsError {
    const declared = [...(this.options.pools[capability] ?? []), ...liveLabelSets];
    const unknown = undeclaredLabels(requirements, declared);
    return new UnknownRequirementsError(capability, requirements, unknown, declared);
  }
}
