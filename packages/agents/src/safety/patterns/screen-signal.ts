import type { CssrsLevel, SafetyCategory } from '@tta/contracts';

export { CSSRS_LEVELS, type CssrsLevel } from '@tta/contracts';

/** One risk signal a rule found. */
export interface ScreenSignal {
  level: 'crisis' | 'concern';
  category: SafetyCategory;
  /** The C-SSRS level, for suicidal ideation and behaviour. */
  cssrs?: CssrsLevel;
  /** The rule that found it (stable name, for tests and the screen's report). */
  rule: string;
  /** Tokens the signal rests on: the fiction frame reads who and what they belong to. */
  start: number;
  end: number;
  /** Whether an explicit denial lowered it ("I'm not suicidal"). */
  denied?: boolean;
}
