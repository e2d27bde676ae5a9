import type { DocumentQuery, Span } from './document-query';
import type { CssrsLevel, ScreenSignal } from './screen-signal';
import { foundInStory } from './story-text';

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

function suicidal(rule: string, span: Span, cssrs: CssrsLevel): ScreenSignal {
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
function pushFor(q: DocumentQuery, out: ScreenSignal[], signal: ScreenSignal): void {
  const who = thirdParty(q, signal.start, signal.end);
  if (who === 'world') return;
  out.push(
    who === 'other' ? { ...signal, level: 'concern', rule: `${signal.rule}-other` } : signal,
  );
}

/** Raises the C-SSRS level to intent when a future or decision marker leads the clause. */
function withIntent(q: DocumentQuery, span: Span, base: CssrsLevel): CssrsLevel {
  for (let i = span.start - 1; i >= Math.max(0, span.start - 5); i -= 1) {
    const token = q.tokens[i];
    if (token === undefined || token.clause !== q.tokens[span.start]?.clause) break;
    if (FUTURE.has(token.word) || FUTURE.has(token.lemma)) return 'intent';
  }
  return base;
}

/** "i want to die", "wish i was dead", "ready to not wake up": a wish to be dead. */
function deathWish(q: DocumentQuery, out: ScreenSignal[]): void {
  for (const desire of q.all('desire')) {
    const target =
      q.after(desire.end, 'deathPhrase', 8, { sameClause: true }) ??
      q.after(desire.end, 'deathWord', 6, { sameClause: true });
    if (target === undefined || q.otherNoun(desire.end, target.start)) continue;
    if (q.tokens[target.start]?.word === 'dying' && q.tokens[target.start + 1]?.word === 'to')
      continue;
    // "i'd rather die than sit through that": hyperbole, checked in by concern only.
    const than = ['than', 'then'].includes(q.tokens[target.end]?.word ?? '');
    // "i like how the game handles death": "like" is a wish only as "would like".
    if (
      q.tokens[desire.start]?.word === 'like' &&
      !['would', 'd'].includes(q.tokens[desire.start - 1]?.word ?? '')
    )
      continue;
    const span = { start: desire.start, end: target.end };
    if (deniedBefore(q, desire.start)) {
      out.push({ ...suicidal('death-wish', span, 'wish_dead'), level: 'concern', denied: true });
    } else if (than) {
      // "rather die than sing karaoke" is a figure of speech; "than go back to him" is not.
      const rest = q.tokens
        .slice(target.end, target.end + 8)
        .map((t) => t.word)
        .join(' ');
      if (GRAVE_ALTERNATIVE.test(rest)) out.push(suicidal('rather-die-than', span, 'wish_dead'));
    } else {
      const base =
        q.at(target.start, 'deathPhrase') > 0 && q.tokens[target.start]?.lemma === 'kill'
          ? 'active_ideation'
          : 'wish_dead';
      pushFor(q, out, suicidal('death-wish', span, withIntent(q, span, base)));
    }
  }
}

/** "don't want to live", "no longer wish to wake up", "can't see myself alive next year". */
function negatedLife(q: DocumentQuery, out: ScreenSignal[]): void {
  q.tokens.forEach((token, i) => {
    if (q.at(i, 'negator') === 0) return;
    const desire = q.after(i + 1, 'desire', 4, { sameClause: true, fillersOnly: true });
    const from = desire?.end ?? i + 1;
    const life = q.after(from, 'lifePhrase', desire === undefined ? 1 : 4, {
      sameClause: true,
      fillersOnly: true,
    });
    if (life === undefined) return;
    if (desire === undefined && !['want', 'wish'].some((w) => q.tokens[i - 1]?.word === w)) {
      // "no longer live", "never wake up" need a wish nearby: "i'd like to never wake up".
      if (q.before(i, 'desire', 4) === undefined) return;
    }
    out.push(suicidal('negated-life', { start: i, end: life.end }, 'wish_dead'));
  });
}

/** "there's no point in me being here", "nothing to live for", "why am i still alive". */
function noPoint(q: DocumentQuery, out: ScreenSignal[]): void {
  for (const span of q.all('noPoint')) {
    const words = q.text(span);
    if (/live|living|stay|alive/.test(words)) {
      out.push(suicidal('no-reason-to-live', span, 'wish_dead'));
      continue;
    }
    const object = q.after(span.end, 'lifeObject', 5, { sameClause: true });
    if (object === undefined) continue;
    const objectWords = q.text(object);
    if (/^(trying|anymore|being|stay|me)$/.test(objectWords)) continue;
    out.push(suicidal('no-point-living', { start: span.start, end: object.end }, 'wish_dead'));
  }
}

/** "everyone would be better off without me", "they'd be happier if i was gone". */
function betterOffWithout(q: DocumentQuery, out: ScreenSignal[]): void {
  for (const span of q.all('betterOff')) {
    const gone = q.after(span.end, 'withoutMe', 6);
    if (gone === undefined) continue;
    const goneWords = q.tokens.slice(gone.start, gone.end).map((t) => t.word);
    if (goneWords.length === 1 && !q.firstPerson(Math.max(0, span.start - 6), gone.end)) continue;
    out.push(suicidal('better-off-without-me', { start: span.start, end: gone.end }, 'wish_dead'));
  }
}

/** "kill myself", "end my life", "hang herself", "off myself": an act against oneself. */
function selfKilling(q: DocumentQuery, out: ScreenSignal[]): void {
  for (const verb of q.all('selfKillVerb')) {
    const target = q.after(verb.end, 'reflexive', 3, { sameClause: true, fillersOnly: true });
    if (target === undefined) continue;
    const targetWord = q.tokens[target.start]?.word;
    if (targetWord === 'me' || targetWord === 'yourself' || targetWord === 'self') continue;
    const verbLemma = q.tokens[verb.start]?.lemma ?? '';
    // "cut my wrists" is self-harm's rule; "take my life" needs "life".
    if (['cut', 'burn', 'starve', 'bleed'].includes(verbLemma)) continue;
    const span = { start: verb.start, end: target.end };
    if (deniedBefore(q, verb.start)) {
      out.push({
        ...suicidal('self-killing', span, 'active_ideation'),
        level: 'concern',
        denied: true,
      });
      continue;
    }
    pushFor(q, out, suicidal('self-killing', span, withIntent(q, span, 'active_ideation')));
  }
}

const SUICIDE_MEDIA = new Set([
  'squad',
  'mission',
  'run',
  'bomber',
  'bombers',
  'king',
  'doors',
  'jump',
  'attack',
  'pact',
]);

const GRAVE_ALTERNATIVE =
  /\b(live|living|alive|go back|home|him|her|this life|keep going|go on|another day|wake up|alone|face|be me|exist|this pain|feel like this|stay)\b/;
/** "suicide", "suicidal", "unalive": the word itself, unless it names someone else's act. */
function suicideWords(q: DocumentQuery, out: ScreenSignal[]): void {
  for (const span of q.all('suicideWord')) {
    const next = q.tokens[span.end]?.word ?? '';
    if (SUICIDE_MEDIA.has(next) && q.inSentence(span.start, 'gameMechanic')) continue;
    // "read the suicide note in the lighthouse": a text of the story, not one the player wrote.
    if ((next === 'note' || next === 'letter') && foundInStory(q, span.start)) continue;
    const clauseStart = q.clauseRange(span.start).start;
    // "her husband's suicide", "my friend's suicide": someone else's act.
    const possessor = q.tokens
      .slice(Math.max(clauseStart, span.start - 3), span.start)
      .some((t) => ['his', 'her', 'their', "'s", 'its'].includes(t.word));
    if (possessor && !q.firstPerson(span.start, span.end)) {
      const range = q.sentenceOf(span.start);
      // "the lighthouse keeper's suicide": the story's; "my friend's suicide": grief.
      if (
        q.has('worldEntity', range.start, range.end) &&
        !q.has('realRelation', range.start, range.end)
      )
        continue;
      out.push({
        level: 'concern',
        category: 'suicidal_ideation',
        rule: 'suicide-of-another',
        ...span,
      });
      continue;
    }
    if (deniedBefore(q, span.start)) {
      out.push({
        ...suicidal('suicide-word', span, 'active_ideation'),
        level: 'concern',
        denied: true,
      });
      continue;
    }
    pushFor(q, out, suicidal('suicide-word', span, withIntent(q, span, 'active_ideation')));
  }
}

/** "i keep thinking about dying", "looked up how to end it": thoughts and research. */
function thoughtsOfDeath(q: DocumentQuery, out: ScreenSignal[]): void {
  for (const think of q.all('thinkVerb')) {
    const target =
      q.after(think.end, 'deathPhrase', 5, { sameClause: true }) ??
      q.after(think.end, 'deathWord', 4, { sameClause: true });
    if (target === undefined || q.otherNoun(think.end, target.start)) continue;
    const span = { start: think.start, end: target.end };
    if (deniedBefore(q, think.start)) {
      out.push({
        ...suicidal('thoughts-of-death', span, 'active_ideation'),
        level: 'concern',
        denied: true,
      });
      continue;
    }
    out.push(suicidal('thoughts-of-death', span, 'active_ideation'));
  }
}

/** "tried to kill myself", "my last attempt", "woke up in hospital after the pills". */
const STRONG_ATTEMPT =
  /\b(stomach pumped|pumped my stomach|resuscitated|suicide attempt|my attempt|last attempt|first attempt|had a go at ending|tried to check out|(was|is|it) not an accident,? i meant it|took too much (\w+ ){0,4}(on purpose|i meant it))\b/;

function attempts(q: DocumentQuery, out: ScreenSignal[]): void {
  for (let s = 0; s < q.sentenceCount; s += 1) {
    const range = q.sentenceRange(s);
    if (STRONG_ATTEMPT.test(q.text(range))) pushFor(q, out, suicidal('attempt', range, 'attempt'));
  }
  for (const span of q.all('attemptWord')) {
    const range = q.sentenceOf(span.start);
    const related =
      q.has('suicideWord', range.start, range.end) ||
      q.has('deathPhrase', range.start, range.end) ||
      q.has('meansStrong', range.start, range.end) ||
      (q.has('selfKillVerb', range.start, range.end) && q.has('reflexive', range.start, range.end));
    if (!related || !q.firstPerson(range.start, range.end)) continue;
    const word = q.tokens[span.start]?.word ?? '';
    if (
      ['try', 'trying', 'tried', 'attempt', 'almost', 'nearly'].includes(word) &&
      !q.has('suicideWord', range.start, range.end) &&
      !q.has('deathPhrase', range.start, range.end) &&
      !q.has('meansStrong', range.start, range.end)
    )
      continue;
    out.push(suicidal('attempt', { start: range.start, end: range.end }, 'attempt'));
  }
}

const INTENT_ACT =
  /\b(going to|will|about to|decided to|ready to|want to|time to|gonna|finally|actually|already) (actually |finally |really |just )?(do it|doing it|go through with it|end things|end it|finish it|did it|done it)\b/;
const INTENT_CUE =
  /\b(tonight|soon|this time|decided|decision|talk me out|stop me|for real|actually|finally|time|help|goodbye|ready|sure|tomorrow|weekend|no one|nobody|not joke|not joking|mind|after|already|waiting|pills|rope)\b/;
const WANT_KILLED =
  /\b(want|wanting|wanna|wish|wishing|need|pray|praying|hope|hoping)\w* (\w+ ){0,5}(to |would |could |will )?(just )?(kill|end|take|unalive|finish|blow out|put out) me( for good| already| now| away)?( \.| ,|$| for)|\b(hope|hoping|pray|praying|wish|wishing)\w* (\w+ ){0,4}(for |i get |i got |to get )(something |it is )?(terminal|fatal|cancer|incurable)\b/;
const STILL_HERE =
  /\b(oh no|damn|ugh|sadly|unfortunately|disappointed|annoyed|angry),? (that )?(i am |i am still |still )(here|alive|breathing)\b|\bwoke up again,? (unfortunately|sadly|damn)\b|\b(wish|wishing|should have been|rather it was|rather it were) (it was |it were |it had been )?me (in the ground|in that grave|in the grave|instead)\b/;
const FUTURE_DEATH =
  /\b(i am|i will|i|im) (going to|gonna|about to) (die|be dead|be gone|not be here|not be around)\b/;
const FUTURE_DEATH_CUE =
  /\b(tonight|today|tomorrow|soon|this week|weekend|by|anyway|planned|decided|ready|goodbye|happy|glad|finally|when|after|before|pills|rope|bridge)\b/;
const FINE_IF_GONE =
  /\b(be|feel|am|is) (fine|okay|ok|happy|glad|relieved|grateful|at peace|alright) (if|when) (i|it|my heart) (just )?((did|do|does) not|never|stop|stopped|died|die|was gone|were gone|disappeared|got hit|get hit)\b/;
const CARELESS_LIFE =
  /\b(not care|do not mind|would not mind|will not mind|wouldnt mind|hope|pray) (if|whether|that)? ?(i|this|it)? ?(do not |never |dont )?(wake up|live|die|make it|survive|wake|am gone|end|ends|stop breathing|just stop|over)\b/;
const METHOD_ACT =
  /\b(jump(ing|ed)? (off|from|in front)|step(ping)? (in front|off)|walk(ing)? into the (sea|ocean|river|lake|traffic)|driv(e|ing) (my car |the car )?(into|off)|crash(ing)? (my|the) car|(swallow|swallowing|take|taking|took|down|downing) (all|every|the whole|the lot|the rest|everything|way more) (\w+ ){0,2}(pills?|tablets?|meds|medication|of them|of it|sleeping|painkillers|paracetamol|tylenol|insulin|the lot|at once|in the (cabinet|cupboard|drawer|house|box|bottle))|swallowed the lot|hang(ing)? myself|under (a|the) (train|bus|truck|lorry)|in front of (a|the) (train|bus|truck|lorry|car)|slit(ting)? my|overdose|od on|drown(ing)? myself|gas myself|long swim)\b/;

/** Whole-sentence shapes: "going to do it tonight", "hope i don't wake up", "thinking about jumping off". */
function sentenceShapes(q: DocumentQuery, out: ScreenSignal[]): void {
  const all = q.text({ start: 0, end: q.tokens.length });
  const intentCue = INTENT_CUE.test(all);
  for (let s = 0; s < q.sentenceCount; s += 1) {
    const range = q.sentenceRange(s);
    if (range.end <= range.start) continue;
    const text = q.text(range);
    if (INTENT_ACT.test(text) && intentCue) out.push(suicidal('intent-to-act', range, 'intent'));
    if (WANT_KILLED.test(text) && !q.has('worldEntity', range.start, range.end)) {
      pushFor(q, out, suicidal('wish-killed', range, 'wish_dead'));
    }
    if (FUTURE_DEATH.test(text) && !/\bdie (of|from|laughing)\b/.test(text)) {
      const signal = suicidal('future-death', range, 'intent');
      pushFor(q, out, FUTURE_DEATH_CUE.test(all) ? signal : { ...signal, level: 'concern' });
    }
    if (STILL_HERE.test(text)) pushFor(q, out, suicidal('still-here', range, 'wish_dead'));
    if (FINE_IF_GONE.test(text)) out.push(suicidal('fine-if-gone', range, 'wish_dead'));
    if (CARELESS_LIFE.test(text)) out.push(suicidal('careless-of-life', range, 'wish_dead'));
    const method = METHOD_ACT.exec(text);
    if (
      method !== null &&
      (q.firstPerson(range.start, range.end) || !q.has('worldEntity', range.start, range.end))
    ) {
      pushFor(q, out, suicidal('method-act', range, q.has('timeMarker') ? 'plan' : 'method'));
    }
  }
}

/** Suicidal ideation and behaviour said in words: wishes, thoughts, acts, attempts. */
export function suicidePatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  sentenceShapes(q, out);
  deathWish(q, out);
  negatedLife(q, out);
  noPoint(q, out);
  betterOffWithout(q, out);
  selfKilling(q, out);
  suicideWords(q, out);
  thoughtsOfDeath(q, out);
  attempts(q, out);
}
