import { type SafetyLevel } from '@tta/contracts';
import {
  SAFETY_CATEGORIES,
  type RiskMarker,
  type ScreenLayer,
  type SafetyCategory,
} from '@tta/contracts';
import { RiskClassifier, SHORT_TEXT_WORDS } from './classifier/risk-classifier';
import { findFictionFrame, isFramed, type FictionFrame } from './fiction-frame';
import type { SafetyLexicon } from './lexicon/screen-lexicon';
import { ScreenAnalyzer } from './nlp/screen-document';
import { normalizeScreenText } from './normalize/normalize-screen-text';
import { DocumentQuery } from './patterns/document-query';
import { medicalPatterns, panicPatterns } from './patterns/body-patterns';
import { concernPatterns } from './patterns/distress-patterns';
import { indirectPatterns } from './patterns/indirect-patterns';
import { farewellPatterns, meansPatterns } from './patterns/means-patterns';
import { CSSRS_LEVELS, type CssrsLevel, type ScreenSignal } from './patterns/screen-signal';
import { selfHarmPatterns } from './patterns/self-harm-patterns';
import { suicidePatterns } from './patterns/suicide-patterns';
import { violencePatterns } from './patterns/violence-patterns';
import { riskMarkers } from './risk-markers';
import { corroborateSignals } from './rule-corroboration';

/** Version of the screen's rules; the result's `version` adds the classifier model's id. */
export const SCREEN_RULES_VERSION = '2.1.0';

/** What the screen makes of the player's text. Never the player's words. */
export interface SafetyScreenResult {
  /** `crisis` ends the turn with the supportive response; `concern` continues with a check-in. */
  level: SafetyLevel;
  /** Categories of the signals at the result's level and above, in `SAFETY_CATEGORIES` order. */
  categories: SafetyCategory[];
  /** The highest C-SSRS level recognised, when the text is about suicide. */
  cssrs?: CssrsLevel;
  /** 0..1: how strongly the text reads as risk (the highest of the rules' and classifier's). */
  score: number;
  /** Layers that changed the outcome or found a signal. */
  layers: ScreenLayer[];
  /** The rules' version and the classifier model's id: `2.1.0+<model id>`. */
  version: string;
  /** Risk markers the player said of themselves, for the session's risk across turns. */
  markers: RiskMarker[];
}

/** Options of {@link SafetyScreen}. */
export interface SafetyScreenOptions {
  /** The lexicon the rules read (see `loadSafetyLexicon`). */
  lexicon: SafetyLexicon;
  /**
   * The on-device classifier, combined with the rules by maximum. Default: the committed model
   * (`RiskClassifier.load()`); `null` screens by the rules alone (training uses this).
   */
  classifier?: RiskClassifier | null;
}

const RANK: Readonly<Record<SafetyLevel, number>> = { safe: 0, concern: 1, crisis: 2 };
const SIGNAL_SCORE: Readonly<Record<'crisis' | 'concern', number>> = { crisis: 0.95, concern: 0.6 };
const RULE_SETS = [
  suicidePatterns,
  meansPatterns,
  farewellPatterns,
  selfHarmPatterns,
  medicalPatterns,
  panicPatterns,
  violencePatterns,
  indirectPatterns,
  concernPatterns,
];

/** The rules' findings on one text, before the classifier. */
interface RuleFindings {
  query: DocumentQuery;
  kept: ScreenSignal[];
  framed: boolean;
  denied: boolean;
  normalized: boolean;
  /** Risk markers of the unframed, undenied text. */
  markers: RiskMarker[];
  /** The words the classifier reads: the text without what the fiction frame covers. */
  unframedText: string;
  /**
   * Whether the classifier has enough to go on: a longer text, or a short one that names some
   * risk (death, a means, a symptom, a feeling...). On "lean against the wall" it is noise.
   */
  classifierGrounded: boolean;
  /** Words of the unframed text, without structure words. */
  wordCount: number;
}

/**
 * The layered crisis screen of `safety.screen`. Each layer may only raise the level, but for
 * the fiction frame, which lowers on positive evidence only, and explicit denials ("I'm not
 * suicidal"), which lower a crisis signal to a concern:
 * 1. normalisation (Unicode, leetspeak, stretched and split letters, slang, typos, lemmas);
 * 2. patterns over the structure the Columbia scale describes (wishes, thoughts, means with
 *    time, preparation and attempts; self-harm; medical emergencies; panic; violence); the
 *    rules that were often wrong alone raise to crisis only when the classifier finds a crisis
 *    plausible, and to concern otherwise (see `CORROBORATED_RULES`);
 * 3. the fiction frame (in-game text, characters, commands, game mechanics);
 * 4. an on-device classifier trained in the repository, combined by maximum.
 * Pure and synchronous; linear in the text's length.
 */
export class SafetyScreen {
  private readonly lexicon: SafetyLexicon;
  private readonly analyzer: ScreenAnalyzer;
  private readonly classifier: RiskClassifier | null;
  /** `2.1.0+<model id>`, or `2.1.0` without a classifier. */
  readonly version: string;

  constructor(options: SafetyScreenOptions) {
    this.lexicon = options.lexicon;
    this.analyzer = new ScreenAnalyzer(options.lexicon);
    this.classifier = options.classifier === undefined ? RiskClassifier.load() : options.classifier;
    this.version =
      this.classifier === null
        ? SCREEN_RULES_VERSION
        : `${SCREEN_RULES_VERSION}+${this.classifier.id}`;
  }

  /** Screens the player's text. */
  screen(text: string): SafetyScreenResult {
    const findings = this.applyRules(text);
    const risk =
      this.classifier !== null && findings.unframedText !== '' && findings.classifierGrounded
        ? this.classifier.score(findings.unframedText)
        : undefined;
    // Rules that are often wrong alone need the classifier to find a crisis plausible.
    const signals = corroborateSignals(
      findings.kept,
      this.classifier === null ? undefined : (risk?.crisis ?? 0),
    );
    let level: SafetyLevel = 'safe';
    let score = 0;
    for (const signal of signals) {
      if (RANK[signal.level] > RANK[level]) level = signal.level;
      score = Math.max(score, SIGNAL_SCORE[signal.level]);
    }
    const layers: ScreenLayer[] = [];
    if (findings.normalized) layers.push('normalize');
    if (findings.kept.length > 0) layers.push('patterns');
    if (findings.denied) layers.push('denial');
    if (findings.framed) layers.push('fiction');
    const categories = new Set<SafetyCategory>();
    if (this.classifier !== null && risk !== undefined) {
      // A short text gives the classifier little to go on: its crisis bar is higher.
      const crisisThreshold =
        findings.wordCount < SHORT_TEXT_WORDS
          ? this.classifier.shortCrisisThreshold
          : this.classifier.thresholds.crisis;
      const own: SafetyLevel =
        risk.crisis >= crisisThreshold
          ? 'crisis'
          : risk.flag >= this.classifier.thresholds.flag
            ? 'concern'
            : 'safe';
      score = Math.max(
        score,
        own === 'crisis' ? risk.crisis : own === 'concern' ? Math.max(risk.flag, risk.crisis) : 0,
      );
      if (RANK[own] > RANK[level]) {
        level = own;
        layers.push('classifier');
        categories.add(own === 'crisis' ? 'suicidal_ideation' : 'distress');
      }
    }
    for (const signal of signals) if (signal.level === level) categories.add(signal.category);
    const cssrs = highestCssrs(signals, level);
    return {
      level,
      categories: SAFETY_CATEGORIES.filter((c) => categories.has(c)),
      ...(cssrs === undefined ? {} : { cssrs }),
      score: Math.round(score * 1000) / 1000,
      layers,
      version: this.version,
      markers: findings.markers,
    };
  }

  /** The words of the text as the classifier reads them (the trainer uses this too). */
  classifierText(text: string): string {
    return this.applyRules(text).unframedText;
  }

  private applyRules(text: string): RuleFindings {
    const normalizedText = normalizeScreenText(text, this.lexicon);
    const doc = this.analyzer.analyze(normalizedText);
    const query = new DocumentQuery(doc);
    const signals: ScreenSignal[] = [];
    for (const rules of RULE_SETS) rules(query, signals);
    const frame = findFictionFrame(query);
    const kept = signals.filter((signal) => !isFramed(frame, query, signal));
    // The classifier reads neither what the frame covers nor what the player explicitly denied.
    const denied = new Set<number>();
    for (const signal of kept) {
      if (signal.denied !== true) continue;
      for (let i = Math.max(0, signal.start - 4); i < signal.end; i += 1) denied.add(i);
    }
    const unframed = query.tokens
      .filter(
        (token, i) => !frame.sentences.has(token.sentence) && !frame.quoted(i) && !denied.has(i),
      )
      .map((token) => token.word);
    const wordCount = unframed.length;
    if (wordCount > 0) unframed.push(...structureWords(query, frame, kept));
    return {
      query,
      kept,
      framed:
        kept.length < signals.length ||
        frame.sentences.size > 0 ||
        query.tokens.some((_, k) => frame.quoted(k)),
      denied: kept.some((signal) => signal.denied === true),
      normalized: doc.corrected || normalizedText !== text.toLowerCase().trim(),
      markers: riskMarkers(query, frame, denied),
      unframedText: unframed.join(' '),
      wordCount,
      classifierGrounded:
        wordCount >= SHORT_TEXT_WORDS || GROUNDING_CONCEPTS.some((c) => query.has(c)),
    };
  }
}

/** Concepts that let the classifier read a short text: it names some risk or distress. */
const GROUNDING_CONCEPTS = [
  'deathWord',
  'deathPhrase',
  'suicideWord',
  'selfKillVerb',
  'meansStrong',
  'meansPlace',
  'symptom',
  'panicCore',
  'emotion',
  'shVerb',
  'violenceVerb',
  'farewell',
  'noPoint',
  'lifePhrase',
  'attemptWord',
  'edContext',
  'substanceContext',
  'realWorld',
] as const;

/** Most concepts of a sentence whose pairs are all read (a quadratic number of words). */
const MAX_PAIRED = 16;
/** Concepts whose co-occurrence in a long sentence the classifier reads (means with time, ...). */
const PAIRED_CONCEPTS: ReadonlySet<string> = new Set([
  'selfPhrase',
  'desire',
  'deathWord',
  'deathPhrase',
  'lifePhrase',
  'noPoint',
  'selfKillVerb',
  'suicideWord',
  'thinkVerb',
  'meansStrong',
  'meansPlace',
  'timeMarker',
  'planWord',
  'farewell',
  'attemptWord',
  'symptom',
  'edContext',
  'substanceContext',
  'panicCore',
  'aggressor',
  'violenceVerb',
  'shVerb',
  'shTarget',
  'emotion',
  'gameMechanic',
  'worldEntity',
  'realWorld',
]);

/**
 * What the rules saw, as words for the classifier: the concepts of the unframed text
 * (`#c:meansStrong`), the pairs that share a sentence (`#p:meansStrong+timeMarker`), the rules
 * that fired (`#r:means-plan`) and whether the player speaks of themselves (`#self`). The
 * classifier learns which structures mean risk, beyond the words of its training rows.
 */
function structureWords(
  query: DocumentQuery,
  frame: FictionFrame,
  kept: readonly ScreenSignal[],
): string[] {
  const words = new Set<string>();
  for (let s = 0; s < query.sentenceCount; s += 1) {
    if (frame.sentences.has(s)) continue;
    const range = query.sentenceRange(s);
    const concepts = new Set<string>();
    for (let i = range.start; i < range.end; i += 1) {
      if (frame.quoted(i)) continue;
      for (const hit of query.doc.conceptsAt(i)) concepts.add(hit.concept);
    }
    const sorted = [...concepts].sort();
    // Every pair in an ordinary sentence; in a long one only the pairs of risk concepts.
    const paired =
      sorted.length <= MAX_PAIRED ? sorted : sorted.filter((c) => PAIRED_CONCEPTS.has(c));
    sorted.forEach((a) => words.add(`#c:${a}`));
    paired.forEach((a, k) => {
      for (let j = k + 1; j < paired.length; j += 1) words.add(`#p:${a}+${paired[j] ?? ''}`);
    });
    if (query.firstPerson(range.start, range.end)) words.add('#self');
  }
  for (const signal of kept) words.add(`#r:${signal.rule}:${signal.level}`);
  return [...words];
}

function highestCssrs(
  signals: readonly ScreenSignal[],
  level: SafetyLevel,
): CssrsLevel | undefined {
  let best = -1;
  for (const signal of signals) {
    if (signal.cssrs === undefined || signal.level !== level) continue;
    best = Math.max(best, CSSRS_LEVELS.indexOf(signal.cssrs));
  }
  return best < 0 ? undefined : CSSRS_LEVELS[best];
}
