import type { DocumentQuery, Span } from './document-query';
import type { CssrsLevel, ScreenSignal } from './screen-signal';

const FUTURE = new Set([
  'going',
  'gonna',
  'will',
  'decided',
  'plan',
  'planning',
  'intend',
  'ready',
  'tonight',
  'tomorrow',
  'finally',
  'soon',
]);
const DENIAL_SKIP = new Set([
  'am',
  'be',
  'do',
  'does',
  'would',
  'will',
  'really',
  'actually',
  'honestly',
  'ever',
  'going',
  'to',
  'want',
  'i',
  'gonna',
  'wanna',
  'planning',
  'thinking',
  'of',
  'about',
  'feeling',
  'feel',
  'that',
]);
const DOUBLE_NEGATION_LEAD = new Set(['cannot', 'can', 'could', 'nt', 'not', 'never', 'no']);

/** A crisis signal of suicidal ideation at C-SSRS level `cssrs`. */
export function suicidal(rule: string, span: Span, cssrs: CssrsLevel): ScreenSignal {
  return { level: 'crisis', category: 'suicidal_ideation', cssrs, rule, ...span };
}

/**
 * An explicit denial just before `start` ("i'm not suicidal", "i would never kill myself",
 * "i don't want to die"); "can't not" and other double negations are not denials.
 */
export function deniedBefore(q: DocumentQuery, start: number): boolean {
  for (let i = start - 1; i >= Math.max(0, start - 5); i -= 1) {
    const token = q.tokens[i];
    if (token === undefined || token.sentence !== q.tokens[start]?.sentence) return false;
    if (token.word === 'not' || token.word === 'never' || token.lemma === 'not') {
      const lead = q.tokens[i - 1];
      const lead2 = q.tokens[i - 2];
      if (lead !== undefined && DOUBLE_NEGATION_LEAD.has(lead.word) && lead.word !== 'i')
        return false;
      if (lead?.word === 'do' && lead2 !== undefined && DOUBLE_NEGATION_LEAD.has(lead2.word))
        return false;
      return true;
    }
    if (!DENIAL_SKIP.has(token.word) && !DENIAL_SKIP.has(token.lemma)) return false;
  }
  return false;
}

const THIRD_PERSON = new Set([
  'he',
  'she',
  'they',
  'his',
  'her',
  'their',
  'him',
  'them',
  'herself',
  'himself',
  'themselves',
  'themself',
]);
const FIRST = new Set(['i', 'me', 'my', 'myself', 'im']);
/** Nouns for people: a predicate after one of them is about someone else. */
const PERSON_NOUNS = new Set([
  'poet',
  'man',
  'woman',
  'guy',
  'girl',
  'boy',
  'kid',
  'child',
  'person',
  'people',
  'friend',
  'character',
  'hero',
  'heroine',
  'villain',
  'keeper',
  'sailor',
  'soldier',
  'widow',
  'king',
  'queen',
  'prince',
  'princess',
  'knight',
  'captain',
  'lady',
  'lord',
  'stranger',
  'author',
  'writer',
  'singer',
  'actor',
  'actress',
  'celebrity',
  'teacher',
  'student',
  'neighbour',
  'neighbor',
  'uncle',
  'aunt',
  'cousin',
  'brother',
  'sister',
  'mother',
  'father',
  'mum',
  'mom',
  'dad',
  'son',
  'daughter',
  'wife',
  'husband',
  'grandma',
  'grandpa',
  'nan',
  'gran',
]);
const THIRD_REFLEXIVE = new Set(['herself', 'himself', 'themselves', 'themself', 'his', 'their']);

/**
 * Who a predicate at `start` is about when it is not the player: `undefined` for the player,
 * `'world'` for a character or text of the story, `'other'` for another real person.
 */
function thirdParty(q: DocumentQuery, start: number, end: number): 'world' | 'other' | undefined {
  if (q.has('selfPhrase')) return undefined;
  let third = false;
  // "killed herself", "took his own life": the act's own words name someone else.
  for (let i = start; i < end; i += 1) {
    const word = q.tokens[i]?.word ?? '';
    if (THIRD_REFLEXIVE.has(word)) third = true;
    if (FIRST.has(word) && i > start) return undefined;
  }
  // Else the subject: the nearest pronoun or noun before the predicate, in its clause.
  const clause = q.tokens[start]?.clause;
  for (let i = start - 1; !third && i >= Math.max(0, start - 6); i -= 1) {
    const token = q.tokens[i];
    if (token === undefined || token.clause !== clause) break;
    if (FIRST.has(token.word)) return undefined;
    if (THIRD_PERSON.has(token.word)) third = true;
    else if (token.pos === 'NOUN' || token.pos === 'PROPN') {
      third =
        PERSON_NOUNS.has(token.lemma) ||
        token.pos === 'PROPN' ||
        q.at(i, 'worldEntity') > 0 ||
        q.at(i, 'aggressor') > 0 ||
        q.at(i, 'realRelation') > 0;
      break;
    }
  }
  if (!third) return undefined;
  const range = q.sentenceOf(start);
  if (
    q.has('worldEntity', range.start, range.end) ||
    q.has('textObject', range.start, range.end) ||
    q.has('gameMechanic', range.start, range.end)
  )
    return 'world';
  return 'other';
}

/** Pushes a suicidal signal, as a concern when it is about another real person, not at all for a character. */
export function pushFor(q: DocumentQuery, out: ScreenSignal[], signal: ScreenSignal): void {
  const who = thirdParty(q, signal.start, signal.end);
  if (who === 'world') return;
  out.push(
    who === 'other' ? { ...signal, level: 'concern', rule: `${signal.rule}-other` } : signal,
  );
}

/** Raises the C-SSRS level to intent when a future or decision marker leads the clause. */
export function withIntent(q: DocumentQuery, span: Span, base: CssrsLevel): CssrsLevel {
  for (let i = span.start - 1; i >= Math.max(0, span.start - 5); i -= 1) {
    const token = q.tokens[i];
    if (token === undefined || token.clause !== q.tokens[span.start]?.clause) break;
    if (FUTURE.has(token.word) || FUTURE.has(token.lemma)) return 'intent';
  }
  return base;
}
