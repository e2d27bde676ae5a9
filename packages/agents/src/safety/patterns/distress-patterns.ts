import type { SafetyCategory } from '@tta/contracts';
import type { DocumentQuery } from './document-query';
import type { ScreenSignal } from './screen-signal';

const ANXIETY = new Set([
  'anxious',
  'anxiety',
  'panic',
  'worried',
  'worry',
  'worrying',
  'scared',
  'afraid',
  'terrified',
  'nervous',
  'dread',
  'dreading',
]);
const EMOTION_LEADS = new Set([
  'feel',
  'feeling',
  'felt',
  'so',
  'very',
  'really',
  'just',
  'always',
  'kinda',
  'pretty',
  'too',
  'been',
  'getting',
  'still',
  'lately',
  'honestly',
  'everything',
  'life',
  'constantly',
  'completely',
  'totally',
  'super',
  'extremely',
  'quite',
  'a',
  'bit',
  'little',
  'lot',
  'more',
  'most',
  'of',
]);

/** Distress without risk: sadness, loneliness, grief, stress, worthlessness, said of oneself. */
export function concernPatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  for (const span of q.all('emotion')) {
    const token = q.tokens[span.start];
    if (token === undefined) continue;
    const { start: clauseStart, end: clauseEnd } = q.clauseRange(span.start);
    const leadsClause = q.tokens
      .slice(clauseStart, span.start)
      .every((t) => EMOTION_LEADS.has(t.word) || EMOTION_LEADS.has(t.lemma));
    if (!q.firstPerson(clauseStart, clauseEnd) && !leadsClause) continue;
    if (q.has('laughter', clauseStart, clauseEnd)) continue;
    // "a bit sad", "a little lonely": mild, said in passing.
    const lead = `${q.tokens[span.start - 2]?.word ?? ''} ${q.tokens[span.start - 1]?.word ?? ''}`;
    if (lead === 'a bit' || lead === 'a little' || lead === 'little bit') continue;
    const category: SafetyCategory = ANXIETY.has(token.word) ? 'panic_attack' : 'distress';
    out.push({ level: 'concern', category, rule: 'distress', ...span });
  }
}
