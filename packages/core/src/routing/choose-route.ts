import { formatLabels, satisfies, unmetRequirements, type LabelSet } from '../labels/label-set';

/** A queue a task of some capability could go to, with its live capacity and backlog. */
export interface RouteCandidate {
  /** Queue name: `cap.<capability>` (generic) or `cap.<capability>.<pool>`. */
  queue: string;
  /** Labels of the pool; `{}` for the generic queue. */
  labels: LabelSet;
  /** Live, non-draining agents consuming the queue. */
  liveAgents: number;
  /** Sum of those agents' concurrency. */
  capacity: number;
  /** Jobs waiting to start: waiting plus prioritized. */
  backlog: number;
}

/** A candidate with the verdict of {@link chooseRoute} on it. */
export interface RatedCandidate extends RouteCandidate {
  /** Whether a task with these requirements may go there now. */
  eligible: boolean;
  /** `backlog / capacity`: jobs ahead of a new one per free slot, for eligible candidates. */
  expectedWait?: number;
  /** Why it won or lost, e.g. `lowest expected wait 0.25`, `does not satisfy tier=fast`. */
  reason: string;
}

/** What {@link chooseRoute} decides on. */
export interface ChooseRouteInput {
  /** Labels the serving agent must carry; `{}` for none. */
  requirements: LabelSet;
  /** Every known queue of the capability (pools that do not satisfy the requirements too). */
  candidates: readonly RouteCandidate[];
  /**
   * Where the task goes when no eligible candidate has live capacity: the exact pool queue of
   * the requirements (the generic queue when there are none). Added to the candidates when
   * missing, with no capacity.
   */
  fallback: string;
}

/** The queue chosen for a task, and the verdict on every candidate. */
export interface RouteChoice {
  /** The queue the task goes to, and why. */
  chosen: { queue: string; reason: string };
  /** Whether the chosen queue has live capacity now; `false` means no live agent serves the task. */
  served: boolean;
  /** The chosen queue first, then the other eligible ones best first, then the rest by name. */
  candidates: RatedCandidate[];
}

const GENERIC_REASON = 'generic queue: used when the task has no requirements';

/**
 * Picks the queue of a task, without I/O. Without requirements: the generic queue. With
 * requirements R (hard constraints): among pool queues whose labels include every pair of R and
 * that have live capacity, the one with the lowest expected wait (backlog / capacity); ties go to
 * the most specific pool (most labels), then to the first by name. With none: `fallback`, with
 * `served: false`.
 */
export function chooseRoute(input: ChooseRouteInput): RouteChoice {
  const all = withFallback(input.candidates, input.fallback, input.requirements);
  const rated = all.map((candidate) => rate(candidate, input.requirements));
  if (Object.keys(input.requirements).length === 0) return genericChoice(rated, input.fallback);
  const eligible = rated.filter((c) => c.eligible).sort(byRank);
  const rest = rated.filter((c) => !c.eligible).sort(byQueue);
  const best = eligible[0];
  if (!best) return unservedChoice(rest, input);
  best.reason = winnerReason(best, eligible[1]);
  for (const loser of eligible.slice(1)) loser.reason = loserReason(loser, best);
  return {
    chosen: { queue: best.queue, reason: best.reason },
    served: true,
    candidates: [...eligible, ...rest],
  };
}

// The exact pool queue of the requirements, not the generic queue: every agent able to serve
// the task consumes it, and no agent without the labels does.
function withFallback(
  candidates: readonly RouteCandidate[],
  fallback: string,
  requirements: LabelSet,
): RouteCandidate[] {
  if (candidates.some((c) => c.queue === fallback)) return [...candidates];
  const missing = { queue: fallback, labels: requirements, liveAgents: 0, capacity: 0, backlog: 0 };
  return [...candidates, missing];
}

function unservedChoice(rest: RatedCandidate[], input: ChooseRouteInput): RouteChoice {
  const fallback = rest.find((c) => c.queue === input.fallback) as RatedCandidate;
  const reason = `no live agent serves ${formatLabels(input.requirements)}: waits in the exact pool queue for the first agent with these labels`;
  return {
    chosen: { queue: fallback.queue, reason },
    served: false,
    candidates: [fallback, ...rest.filter((c) => c !== fallback)],
  };
}

function rate(candidate: RouteCandidate, requirements: LabelSet): RatedCandidate {
  const generic = Object.keys(candidate.labels).length === 0;
  const required = Object.keys(requirements).length > 0;
  if (generic) return { ...candidate, eligible: !required, reason: GENERIC_REASON };
  if (!required) {
    const reason = `pool queue: only for tasks that require ${formatLabels(candidate.labels)} or part of it`;
    return { ...candidate, eligible: false, reason };
  }
  if (!satisfies(candidate.labels, requirements)) {
    const unmet = unmetRequirements(candidate.labels, requirements);
    return { ...candidate, eligible: false, reason: `does not satisfy ${formatLabels(unmet)}` };
  }
  if (candidate.capacity <= 0) return { ...candidate, eligible: false, reason: 'no live capacity' };
  const expectedWait = candidate.backlog / candidate.capacity;
  return { ...candidate, eligible: true, expectedWait, reason: '' };
}

function genericChoice(rated: RatedCandidate[], generic: string): RouteChoice {
  const chosen = rated.find((c) => c.queue === generic) as RatedCandidate;
  chosen.eligible = true;
  const served = chosen.capacity > 0;
  const reason = served ? GENERIC_REASON : `${GENERIC_REASON}; no live capacity now`;
  chosen.reason = reason;
  const rest = rated.filter((c) => c !== chosen).sort(byQueue);
  return { chosen: { queue: generic, reason }, served, candidates: [chosen, ...rest] };
}

function winnerReason(best: RatedCandidate, next: RatedCandidate | undefined): string {
  const reason = `lowest expected wait ${formatWait(best.expectedWait)}`;
  if (!next || next.expectedWait !== best.expectedWait) return reason;
  return size(next) < size(best)
    ? `${reason}, most specific of the tied`
    : `${reason}, first by name of the tied`;
}

function loserReason(loser: RatedCandidate, best: RatedCandidate): string {
  const wait = formatWait(loser.expectedWait);
  if (loser.expectedWait !== best.expectedWait) {
    return `expected wait ${wait}, more than ${formatWait(best.expectedWait)} of ${best.queue}`;
  }
  return size(loser) < size(best)
    ? `same expected wait ${wait}, less specific than ${best.queue}`
    : `same expected wait ${wait} and specificity, after ${best.queue} by name`;
}

function byRank(a: RatedCandidate, b: RatedCandidate): number {
  return (a.expectedWait ?? 0) - (b.expectedWait ?? 0) || size(b) - size(a) || byQueue(a, b);
}

function byQueue(a: RouteCandidate, b: RouteCandidate): number {
  return a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0;
}

function size(candidate: RouteCandidate): number {
  return Object.keys(candidate.labels).length;
}

/** An expected wait as shown in reasons: at most 3 decimals. */
function formatWait(wait: number | undefined): string {
  return String(Math.round((wait ?? 0) * 1000) / 1000);
}
