import type { DocumentQuery } from './document-query';
import type { ScreenSignal } from './screen-signal';
import { foundInStory } from './story-text';
import { sentenceShapes } from './suicide-shapes';
import { deniedBefore, pushFor, suicidal, withIntent } from './suicide-subject';

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
