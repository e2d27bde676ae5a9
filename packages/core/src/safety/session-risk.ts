import type { RiskMarker, SafetyCategory, SafetyLevel } from '../capabilities/capability-schemas';

/** One screened turn of a session, as its risk state keeps it (never the player's words). */
export interface ScreenedTurn {
  /** The run of the turn. */
  runId: string;
  /** Epoch ms of the screen. */
  at: number;
  /** The screen's own level. */
  level: SafetyLevel;
  /** The screen's categories. */
  categories: readonly SafetyCategory[];
  /** The screen's risk markers. */
  markers: readonly RiskMarker[];
}

/** Options of {@link assessSessionRisk} (config `safety.sessionRisk`). */
export interface SessionRiskOptions {
  /** How far back earlier turns count, in ms. */
  windowMs: number;
  /** Half-life of an earlier turn's points, in ms. */
  halfLifeMs: number;
  /** Points at which a concern turn makes the session a crisis. */
  crisisScore: number;
}

/** What the session's turns add up to, with the current one. */
export interface SessionRiskAssessment {
  /** The turn's level: the screen's, raised to `crisis` when the session adds up to one. */
  level: SafetyLevel;
  /** The decayed risk points of the window, current turn included. */
  score: number;
  /** Why the session raised the level (empty when it did not): `score`, or `markers:<a>+<b>`. */
  reasons: string[];
}

/** Categories whose concern counts more: the ones close to harm. */
const SERIOUS: ReadonlySet<SafetyCategory> = new Set([
  'suicidal_ideation',
  'self_harm',
  'eating_disorder',
  'substance_abuse',
  'domestic_violence',
  'panic_attack',
]);

/**
 * Marker pairs that are a crisis when the session has said both, in different turns: a means
 * with a time, plan, preparation or farewell; thoughts of death with a means or a farewell;
 * self-harm with a time or plan; taking something with a means.
 */
const CRISIS_PAIRS: readonly (readonly [RiskMarker, readonly RiskMarker[]])[] = [
  ['means', ['time', 'plan', 'preparation', 'farewell', 'death', 'ingestion']],
  ['preparation', ['time', 'plan', 'farewell', 'death']],
  ['death', ['farewell']],
  ['self_harm', ['time', 'plan']],
];

/** Markers that make a concern serious: the player spoke of death, a means or self-harm. */
const SERIOUS_MARKERS: ReadonlySet<RiskMarker> = new Set(['death', 'means', 'self_harm']);

/**
 * Risk points of one turn: crisis 3; concern 1.5 when serious (a category close to harm, or
 * death, a means or self-harm said of oneself), else 1; safe 0.
 */
export function turnPoints(turn: Pick<ScreenedTurn, 'level' | 'categories' | 'markers'>): number {
  if (turn.level === 'crisis') return 3;
  if (turn.level === 'safe') return 0;
  const serious =
    turn.categories.some((c) => SERIOUS.has(c)) || turn.markers.some((m) => SERIOUS_MARKERS.has(m));
  return serious ? 1.5 : 1;
}

/**
 * Adds the current turn to the session's earlier turns within the window. A turn the screen
 * found safe or concern becomes a crisis when:
 * - it is a concern and the decayed points of the window reach `crisisScore` (with the
 *   defaults: a serious concern and another concern within about half an hour, or three
 *   concerns of any kind);
 * - or it says a marker that completes a crisis pair with one said in an earlier turn (a
 *   means before, a time or farewell now); the screen reports a means, death or self-harm
 *   only where the player speaks of themselves, so every pair rests on the player's own words;
 *   death and self-harm count only from a turn flagged at least as a concern, a time or plan
 *   from a safe turn only when the other turn of the pair was flagged.
 * Earlier turns alone never raise the current one: a calm turn after a crisis stays calm.
 */
export function assessSessionRisk(
  earlier: readonly ScreenedTurn[],
  current: ScreenedTurn,
  options: SessionRiskOptions,
): SessionRiskAssessment {
  const recent = earlier.filter(
    (t) => t.runId !== current.runId && t.at <= current.at && current.at - t.at <= options.windowMs,
  );
  let score = turnPoints(current);
  for (const turn of recent) {
    score += turnPoints(turn) * 0.5 ** ((current.at - turn.at) / options.halfLifeMs);
  }
  score = Math.round(score * 1000) / 1000;
  if (current.level === 'crisis') return { level: 'crisis', score, reasons: [] };
  const reasons: string[] = [];
  if (current.level === 'concern' && score >= options.crisisScore) reasons.push('score');
  reasons.push(...completedPairs(recent, current));
  return { level: reasons.length > 0 ? 'crisis' : current.level, score, reasons };
}

/**
 * Markers that count in a turn the screen found safe: a means, a preparation, a farewell or
 * taking something, said of oneself. Death, self-harm, a time or a plan are common in ordinary
 * and dark-but-safe play ("I died again", "what now"): they count from a turn the screen
 * flagged at least as a concern; a time or plan also from a safe turn paired with a flagged one.
 */
const STANDALONE: ReadonlySet<RiskMarker> = new Set([
  'means',
  'preparation',
  'farewell',
  'ingestion',
]);

// Whether `marker` of `turn` counts for a pair with `other`: every marker of a flagged turn; of
// a turn found safe, the standalone ones, and a time or plan when the other turn was flagged.
function counts(marker: RiskMarker, turn: ScreenedTurn, other: ScreenedTurn): boolean {
  if (turn.level !== 'safe' || STANDALONE.has(marker)) return true;
  return (marker === 'time' || marker === 'plan') && other.level !== 'safe';
}

function says(turn: ScreenedTurn, marker: RiskMarker, other: ScreenedTurn): boolean {
  return turn.markers.includes(marker) && counts(marker, turn, other);
}

// The crisis pairs the current turn completes with an earlier one.
function completedPairs(recent: readonly ScreenedTurn[], current: ScreenedTurn): string[] {
  const pairs = new Set<string>();
  for (const turn of recent) {
    for (const [a, others] of CRISIS_PAIRS) {
      for (const b of others) {
        const split =
          (says(turn, a, current) && says(current, b, turn)) ||
          (says(turn, b, current) && says(current, a, turn));
        if (split) pairs.add(`markers:${a}+${b}`);
      }
    }
  }
  return [...pairs];
}
