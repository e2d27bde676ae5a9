import { loadSafetyLexicon, SafetyScreen } from '@tta/agents';
import type { SafetyLevel } from '@tta/contracts';
import { safetyPaths } from './safety-paths';

/** What the evaluation reads of a screen's answer. */
export interface EvalScreenResult {
  level: SafetyLevel;
  /** The screen's version, reported with the results when present. */
  version?: string;
}

/** Screens one player text. */
export type EvalScreen = (text: string) => EvalScreenResult;

/**
 * The screen under evaluation, built once: the `SafetyScreen` of `@tta/agents` with
 * `config/safety-lexicon.json` and the committed classifier model. The one place to change
 * when the screen changes.
 */
export function createEvalScreen(): EvalScreen {
  const screen = new SafetyScreen({ lexicon: loadSafetyLexicon(safetyPaths().lexicon) });
  return (text) => screen.screen(text);
}
