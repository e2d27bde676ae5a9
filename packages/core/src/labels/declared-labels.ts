import { satisfies, type LabelSet } from './label-set';

/** What config declares of the agent types and capabilities, for {@link configuredLabelSets}. */
export interface LabelDeclarations {
  /** Capability name to the agent type serving it and the pools declared for it. */
  capabilities: Readonly<
    Record<string, { readonly agentType: string; readonly pools?: readonly LabelSet[] }>
  >;
  /** Agent type name to the labels its agents carry. */
  agents: Readonly<Record<string, { readonly labels?: LabelSet }>>;
}

/**
 * The label sets config declares for each capability: the labels of the agent type serving it
 * (`agents.<type>.labels`) and its own `pools`. Empty sets are left out; a capability with none
 * has an empty list.
 */
export function configuredLabelSets(config: LabelDeclarations): Record<string, LabelSet[]> {
  return Object.fromEntries(
    Object.entries(config.capabilities).map(([capability, entry]) => {
      const typeLabels = config.agents[entry.agentType]?.labels;
      const sets = [...(typeLabels ? [typeLabels] : []), ...(entry.pools ?? [])];
      return [capability, sets.filter((set) => Object.keys(set).length > 0)];
    }),
  );
}

/**
 * Whether some declared label set carries every pair of `requirements`: an agent with those
 * labels consumes the exact pool queue of the requirements. `{}` is always declared.
 */
export function isDeclared(requirements: LabelSet, declared: readonly LabelSet[]): boolean {
  if (Object.keys(requirements).length === 0) return true;
  return declared.some((labels) => satisfies(labels, requirements));
}

/**
 * The pairs of `requirements` that no declared label set carries, e.g. `{ tier: 'turbo' }`.
 * Empty when each pair is carried by some set, even if no one set carries them all (then
 * {@link isDeclared} is still false).
 */
export function undeclaredLabels(requirements: LabelSet, declared: readonly LabelSet[]): LabelSet {
  return Object.fromEntries(
    Object.entries(requirements).filter(
      ([key, value]) => !declared.some((labels) => labels[key] === value),
    ),
  );
}
