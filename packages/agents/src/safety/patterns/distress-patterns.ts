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

/** The feeling is over or ordinary: "rough day, over now though", "nervous but excited". */
const SETTLED =
  /\b(over now|it is over|all over now|all good now|i am (good|fine|okay|ok|better|happy) now|(feels|feeling|felt) (great|better|good|fine)|in a normal way|get over it|no big deal|could be worse|panic over|all fine|went (well|fine|ok|okay)|came back (normal|clear|fine)|nothing to worry about|worth it|(but|and) (mostly |really |so |also )?(excited|thrilled|proud|relieved|grateful)|years ago|when i was (a )?(kid|child|teen|teenager|\d+)|back in (uni|school|college|the day|my twenties|my teens)|(not really|jk|joking)\W*$)/;
/** Distress that goes on: it still counts however it is framed. */
const PERSISTING =
  /\b(still|again|every day|everyday|lately|these days|always|anymore|any more|cannot|can not|worse|every night|for weeks|for months|since)\b/;

/** Distress without risk: sadness, loneliness, grief, stress, worthlessness, said of oneself. */
export function concernPatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  const message = q.text({ start: 0, end: q.tokens.length });
  if (SETTLED.test(message) && !PERSISTING.test(message)) return;
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
