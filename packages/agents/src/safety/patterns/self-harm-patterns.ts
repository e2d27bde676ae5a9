import type { DocumentQuery } from './document-query';
import type { ScreenSignal } from './screen-signal';

/** Self-harm verbs that need "myself" or an explicit purpose: accidents burn hands too. */
const WEAK_SH_VERBS = new Set([
  'burn',
  'burned',
  'burnt',
  'burning',
  'hit',
  'hitting',
  'punch',
  'punching',
  'bang',
  'banging',
  'bite',
  'biting',
  'bit',
  'pick',
  'picking',
  'scratch',
  'scratched',
  'scratching',
  'mark',
  'marks',
  'dig',
  'digging',
  'hurt',
  'hurting',
  'bruise',
  'bruising',
  'starve',
  'starving',
  'bleed',
  'bleeding',
  'bled',
  'stab',
  'stabbing',
  'pierce',
  'wound',
  'wounds',
  'scar',
  'scars',
  'open',
  'opened',
  'punish',
  'punishing',
  'injure',
  'injured',
  'injuring',
]);
const STRONG_SH_TERMS =
  /\b(self harm|self harming|self harmed|self injury|self injure|relapse|relapsed|relapsing)\b/;
const AFTER_CUT = new Set([
  'again',
  'tonight',
  'today',
  'tomorrow',
  'deeper',
  'myself',
  'so',
  'more',
  'now',
  'every',
  'when',
  'after',
  'before',
  'until',
  'till',
]);
const REFLEXIVE_SELF = new Set(['myself', 'herself', 'himself', 'themselves', 'themself']);

/** "cut myself", "cutting again", "burned my arm on purpose", "relapsed": self-harm, current or past. */
export function selfHarmPatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  const done = new Set<number>();
  for (const verb of q.all('shVerb')) {
    const range = q.sentenceOf(verb.start);
    if (done.has(range.start)) continue;
    const text = q.text(range);
    const lemma = q.tokens[verb.start]?.lemma ?? '';
    const word = q.tokens[verb.start]?.word ?? '';
    const target =
      q.after(verb.end, 'shTarget', 3, { sameClause: true }) ?? q.before(verb.start, 'shTarget', 6);
    let found = STRONG_SH_TERMS.test(text) && q.firstPerson(range.start, range.end);
    if (
      !found &&
      target !== undefined &&
      !q.otherNoun(Math.min(verb.end, target.start), Math.max(verb.start, target.start))
    ) {
      const targetWord = q.tokens[target.start]?.word ?? '';
      const weak = WEAK_SH_VERBS.has(word) || WEAK_SH_VERBS.has(lemma);
      found = weak
        ? REFLEXIVE_SELF.has(targetWord) ||
          /\b(on purpose|to feel|to punish|deserve|again)\b/.test(text)
        : targetWord !== 'again' ||
          q.firstPerson(range.start, range.end) ||
          !q.has('worldEntity', range.start, range.end);
    }
    if (!found && ['cut', 'cutting', 'sh', 'harm', 'cuts'].includes(word)) {
      // "i'm going to cut", "cut again tonight": the verb alone, at the end of its clause.
      const next = q.tokens[verb.end];
      const ends = next === undefined || next.clause !== q.tokens[verb.start]?.clause;
      const habit =
        /\b(can not stop|cannot stop|keep|started|addicted to|urge to|want to|need to|going to)( \w+)? (cut|cutting)\b/.test(
          text,
        );
      found =
        habit ||
        ((ends || AFTER_CUT.has(next?.word ?? '')) &&
          q.firstPerson(range.start, range.end) &&
          !q.has('worldEntity', range.start, range.end));
    }
    if (!found) continue;
    done.add(range.start);
    const past =
      q.has('shPastOnly', range.start, range.end) && !q.has('shRecent', range.start, range.end);
    out.push({
      level: past ? 'concern' : 'crisis',
      category: 'self_harm',
      rule: past ? 'self-harm-past' : 'self-harm',
      ...range,
    });
  }
}
