import { labelSetSchema } from '@tta/contracts';

/** Labels of an agent (`{ tier: 'fast', locale: 'en' }`) or requirements of a task. */
export type LabelSet = Record<string, string>;

/** Why `labels` is not a valid label set, or `undefined` when it is. */
export function labelSetProblem(labels: LabelSet): string | undefined {
  const parsed = labelSetSchema.safeParse(labels);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  return `${where}${issue?.message ?? 'invalid labels'}`;
}

/** Whether `labels` carries every pair of `requirements`. */
export function satisfies(labels: LabelSet, requirements: LabelSet): boolean {
  return Object.entries(requirements).every(([key, value]) => labels[key] === value);
}

/** The pairs of `requirements` that `labels` lacks. */
export function unmetRequirements(labels: LabelSet, requirements: LabelSet): LabelSet {
  return Object.fromEntries(
    Object.entries(requirements).filter(([key, value]) => labels[key] !== value),
  );
}

/** Labels as `key=value` pairs sorted by key and joined by commas, for messages: `locale=en, tier=fast`. */
export function formatLabels(labels: LabelSet): string {
  return sortedEntries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

/** The pairs of `labels` sorted by key. */
export function sortedEntries(labels: LabelSet): Array<[string, string]> {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
