import type { TaskUsage } from './task-usage';

/** One hour of the cost ledger: its counters, by field (see {@link costField}). */
export type CostBucket = Record<string, string>;

/** What the ledger counts per field: input tokens, output tokens, cost in billionths of a USD. */
export type CostCounter = 'in' | 'out' | 'nusd';

/** Which part of the ledger a report covers. */
export interface CostFilter {
  /** Only the calls of this session. */
  sessionId?: string;
  /** Only the calls of this agent type. */
  agentType?: string;
  /** Only the calls to this model. */
  model?: string;
}

/** Tokens and cost of LLM calls over a time window, in total and by session, agent type and model. */
export interface CostReport {
  /** Start of the window (ISO time, on a whole UTC hour). */
  from: string;
  /** End of the window, exclusive (ISO time, on a whole UTC hour). */
  to: string;
  total: TaskUsage;
  /** By session id; calls of tasks without a session count only in the other totals. */
  bySession: Record<string, TaskUsage>;
  byAgentType: Record<string, TaskUsage>;
  byModel: Record<string, TaskUsage>;
}

/** Cost is counted in billionths of a USD, so that sums of small costs stay exact. */
export const NANO_USD_PER_USD = 1e9;

/**
 * The field of an hourly bucket counting `counter` for one session (empty for none), agent type
 * and model: `<counter>|<session>|<agentType>|<model>`. Sessions and agent types never hold
 * `|`; the model comes last, so a model name may.
 */
export function costField(
  counter: CostCounter,
  sessionId: string,
  agentType: string,
  model: string,
): string {
  return `${counter}|${sessionId}|${agentType}|${model}`;
}

interface ParsedField {
  counter: CostCounter;
  sessionId: string;
  agentType: string;
  model: string;
}

function parseField(field: string): ParsedField | undefined {
  const [counter, sessionId, agentType, ...model] = field.split('|');
  if (counter !== 'in' && counter !== 'out' && counter !== 'nusd') return undefined;
  if (sessionId === undefined || agentType === undefined || model.length === 0) return undefined;
  return { counter, sessionId, agentType, model: model.join('|') };
}

function matches(field: ParsedField, filter: CostFilter): boolean {
  return (
    (filter.sessionId === undefined || field.sessionId === filter.sessionId) &&
    (filter.agentType === undefined || field.agentType === filter.agentType) &&
    (filter.model === undefined || field.model === filter.model)
  );
}

// Sums stay in tokens and nano-USD until the report is written out.
type RawUsage = { in: number; out: number; nusd: number };

function add(into: Record<string, RawUsage>, key: string, counter: CostCounter, n: number): void {
  const usage = (into[key] ??= { in: 0, out: 0, nusd: 0 });
  usage[counter] += n;
}

function toUsage(raw: RawUsage): TaskUsage {
  return {
    inputTokens: raw.in,
    outputTokens: raw.out,
    costUsd: raw.nusd / NANO_USD_PER_USD,
  };
}

function toUsages(raw: Record<string, RawUsage>): Record<string, TaskUsage> {
  return Object.fromEntries(
    Object.entries(raw)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, usage]) => [key, toUsage(usage)]),
  );
}

/** Sums the matching counters of hourly buckets into a report of the window `from`..`to`. */
export function summarizeCosts(
  buckets: readonly CostBucket[],
  filter: CostFilter,
  window: { from: number; to: number },
): CostReport {
  const total: RawUsage = { in: 0, out: 0, nusd: 0 };
  const bySession: Record<string, RawUsage> = {};
  const byAgentType: Record<string, RawUsage> = {};
  const byModel: Record<string, RawUsage> = {};
  for (const bucket of buckets) {
    for (const [name, text] of Object.entries(bucket)) {
      const field = parseField(name);
      const n = Number(text);
      if (!field || !Number.isFinite(n) || !matches(field, filter)) continue;
      total[field.counter] += n;
      if (field.sessionId !== '') add(bySession, field.sessionId, field.counter, n);
      add(byAgentType, field.agentType, field.counter, n);
      add(byModel, field.model, field.counter, n);
    }
  }
  return {
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
    total: toUsage(total),
    bySession: toUsages(bySession),
    byAgentType: toUsages(byAgentType),
    byModel: toUsages(byModel),
  };
}
