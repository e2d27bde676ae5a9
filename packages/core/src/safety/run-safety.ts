import {
  RISK_MARKERS,
  SAFETY_CATEGORIES,
  SAFETY_LEVELS,
  type RiskMarker,
  type SafetyCategory,
  type SafetyLevel,
} from '../capabilities/capability-schemas';
import type { CrisisResource } from '../config/crisis-resources';

/** The capability whose steps a run's safety gate reads. */
export const SCREEN_CAPABILITY = 'safety.screen';

/** The outcome of a run whose safety screen failed, timed out or had no live worker. */
export const SCREEN_UNAVAILABLE_OUTCOME = 'screen_unavailable';

/**
 * A run's safety after its screen, as the run's state (`$safety` in a workflow) and its result
 * carry it: the screen's findings, what the session's earlier turns add, the supportive mode,
 * the AI disclosure and a suggested break. Never the player's words.
 */
export interface RunSafety {
  /** The turn's level with the session's risk; `unknown` when the screen was unavailable. */
  level: SafetyLevel | 'unknown';
  /** What the screen alone found. */
  screenLevel?: SafetyLevel;
  /** The screen's categories. */
  categories: SafetyCategory[];
  /** The C-SSRS level the screen recognised. */
  cssrs?: string;
  /** The screen's score (0..1). */
  score?: number;
  /** The session's decayed risk points, this turn included. */
  sessionScore?: number;
  /** Why the session raised the level (`score`, `markers:means+time`). */
  reasons: string[];
  /** Whether the session is in its supportive mode after a crisis. */
  supportive: boolean;
  /** Whether the narrator suggests a break. */
  suggestBreak: boolean;
  /** The AI disclosure this turn carries, on the session's first turn and then every period. */
  disclosure?: string;
  /** Where the player can turn, offered gently on a concern turn and in supportive mode. */
  resources?: CrisisResource[];
  /** The screen's layers that fired. */
  layers: string[];
  /** The screen's version. */
  version?: string;
  /** Why the screen was unavailable. */
  unavailable?: string;
  /** The safety event the turn wrote. */
  eventId?: string;
}

/** What a completed screen step answered, read defensively (its agent may be of any version). */
export interface ScreenOutput {
  level: SafetyLevel;
  categories: SafetyCategory[];
  cssrs?: string;
  score?: number;
  layers: string[];
  version?: string;
  markers: RiskMarker[];
}

/** The screen's output, or `undefined` when it is not one a gate can trust. */
export function readScreenOutput(output: unknown): ScreenOutput | undefined {
  if (output === null || typeof output !== 'object') return undefined;
  const o = output as Record<string, unknown>;
  if (!SAFETY_LEVELS.includes(o.level as SafetyLevel)) return undefined;
  const list = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const screen: ScreenOutput = {
    level: o.level as SafetyLevel,
    categories: list(o.categories).filter((c): c is SafetyCategory =>
      (SAFETY_CATEGORIES as readonly string[]).includes(c),
    ),
    layers: list(o.layers),
    markers: list(o.markers).filter((m): m is RiskMarker =>
      (RISK_MARKERS as readonly string[]).includes(m),
    ),
  };
  if (typeof o.cssrs === 'string') screen.cssrs = o.cssrs;
  if (typeof o.score === 'number') screen.score = o.score;
  if (typeof o.version === 'string') screen.version = o.version;
  return screen;
}
