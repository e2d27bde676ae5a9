import { RISK_MARKERS, type RiskMarker } from '@tta/contracts';
import type { FictionFrame } from './fiction-frame';
import type { DocumentQuery } from './patterns/document-query';

/** How a sentence shows a marker. */
interface MarkerRule {
  /** Any of these concepts... */
  concepts: string[];
  /** ...with any of these in the same sentence, where broad words need company ("got", "had"). */
  with?: string[];
  /** Whether the player must speak of themselves. */
  self: boolean;
}

/** The rule of each marker. */
const MARKER_RULES: Readonly<Record<RiskMarker, MarkerRule>> = {
  means: { concepts: ['meansStrong', 'meansPlace'], self: true },
  time: { concepts: ['timeMarker'], self: false },
  plan: { concepts: ['planWord'], self: false },
  preparation: { concepts: ['prepAct'], with: ['meansStrong', 'quantity'], self: true },
  farewell: { concepts: ['farewell'], self: false },
  death: {
    concepts: [
      'deathWord',
      'deathPhrase',
      'suicideWord',
      'selfKillVerb',
      'noPoint',
      'betterOff',
      'withoutMe',
    ],
    self: true,
  },
  self_harm: { concepts: ['shVerb'], with: ['shTarget', 'meansStrong'], self: true },
  ingestion: { concepts: ['ingest'], with: ['meansStrong', 'substanceContext'], self: true },
};

/** "Don't want to live", "can't go on": life denied counts as death. */
const LIFE_DENIED: MarkerRule = { concepts: ['lifePhrase'], with: ['negator'], self: true };

function shows(rule: MarkerRule, concepts: ReadonlySet<string>, self: boolean): boolean {
  if (rule.self && !self) return false;
  if (!rule.concepts.some((c) => concepts.has(c))) return false;
  return rule.with === undefined || rule.with.some((c) => concepts.has(c));
}

/**
 * The risk markers of a text, for the session's risk across turns: concepts of the sentences
 * the fiction frame does not cover, outside what the player explicitly denied; a means, a
 * preparation, death, self-harm or ingestion only where the player speaks of themselves.
 */
export function riskMarkers(
  query: DocumentQuery,
  frame: FictionFrame,
  denied: ReadonlySet<number>,
): RiskMarker[] {
  const found = new Set<RiskMarker>();
  for (let s = 0; s < query.sentenceCount; s += 1) {
    if (frame.sentences.has(s)) continue;
    const range = query.sentenceRange(s);
    const concepts = new Set<string>();
    for (let i = range.start; i < range.end; i += 1) {
      if (frame.quoted(i) || denied.has(i)) continue;
      for (const hit of query.doc.conceptsAt(i)) concepts.add(hit.concept);
    }
    if (concepts.size === 0) continue;
    const self = query.firstPerson(range.start, range.end);
    for (const marker of RISK_MARKERS) {
      if (shows(MARKER_RULES[marker], concepts, self)) found.add(marker);
    }
    if (shows(LIFE_DENIED, concepts, self)) found.add('death');
  }
  return RISK_MARKERS.filter((m) => found.has(m));
}
