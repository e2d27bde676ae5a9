import type { SafetyCategory } from '@tta/core';
import type { DocumentQuery, Span } from './document-query';
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
const PHYSICAL = new Set([
  'hit',
  'hits',
  'hitting',
  'beat',
  'beats',
  'beating',
  'beaten',
  'punch',
  'punched',
  'kick',
  'kicked',
  'slap',
  'slapped',
  'choke',
  'choked',
  'choking',
  'strangle',
  'strangled',
  'rape',
  'raped',
  'assault',
  'assaulted',
  'stab',
  'stabbed',
  'shoot',
  'shot',
  'burn',
  'burned',
  'push',
  'pushed',
  'shove',
  'shoved',
  'grab',
  'grabbed',
  'drag',
  'dragged',
  'pin',
  'pinned',
  'lock',
  'locked',
  'trap',
  'trapped',
  'threaten',
  'threatened',
  'threatens',
  'threatening',
  'follow',
  'following',
  'followed',
  'stalk',
  'stalking',
  'bruise',
  'bruised',
  'hurt',
  'hurts',
  'hurting',
  'abuse',
  'abused',
  'kill',
  'kills',
  'killing',
  'murder',
  'smash',
  'smashed',
  'throw',
  'threw',
  'force',
  'forced',
  'touch',
  'touched',
]);
const REPORTED_THREAT = new Set([
  'said',
  'says',
  'say',
  'told',
  'tells',
  'threatened',
  'threatens',
  'swore',
  'swears',
  'texted',
  'texts',
  'messaged',
  'promised',
  'screamed',
  'yelled',
  'shouted',
  'warned',
]);

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

const STRONG_SYMPTOM =
  /\b(numb|dizzy|faint|fainted|fainting|pass out|passed out|passing out|black out|blacked out|blacking out|going dark|gone dark|getting dark|vision|blurry|cannot breathe|can not breathe|hard to breathe|trouble breathing|chest pain|chest hurts|chest is tight|heart racing|heart is racing|heart pounding|heart beating|heart skipping|heart skips|heart fluttering|heartbeat|palpitations|irregular|vomiting blood|throwing up blood|coughing up blood|coughing blood|blood in|seizure|shaking|cannot stay awake|can not stay awake|cannot keep my eyes open|cannot feel|can not feel|tingling|collapse|collapsed|lips|fading|slipping|room spinning|spinning|cannot move|can not move|cannot see|can not see|ringing|unconscious|hallucinating|woozy|cold sweat|confused|drowsy|sleepy|throwing up|vomiting|cannot stop throwing up|can not stop throwing up|cramps|weak|cannot stand|can not stand|legs gave|went black|racing|pounding|heart racing|heart pounding|heart is|my heart|pulse|twitch|twitching|stars|barely stand|cramping|cannot get air|can not get air|nodding off|keep passing)\b/;

/** Eating-disorder and substance emergencies: a strong symptom with its cause in the message. */
export function medicalPatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  const all = { start: 0, end: q.tokens.length };
  const text = q.text(all);
  if (!STRONG_SYMPTOM.test(text) || (!q.firstPerson(0, q.tokens.length) && q.has('worldEntity')))
    return;
  const symptom = q.all('symptom')[0] ?? all;
  const categories: SafetyCategory[] = [];
  if (q.has('edContext')) categories.push('eating_disorder');
  if (q.has('substanceContext') || q.has('meansStrong')) categories.push('substance_abuse');
  for (const category of categories) {
    out.push({ level: 'crisis', category, rule: `medical-${category}`, ...symptom });
  }
}

/** Signs of panic severe enough alone. */
const PANIC_SEVERE_ALONE =
  /\b(hyperventilating|heart attack|about to die|going to die|think i am dying|feel like i am dying|walls (are )?closing in|lungs (will not|won t|do not) work|can not get (any )?air|cannot get (any )?air|can not get a breath|can not breathe (\w+ ){0,4}(floor|minutes|hour|hours|help|please|now))\b/;
const PANIC_STRONG =
  /\b(cannot breathe|can not breathe|could not breathe|cannot catch my breath|can not catch my breath|hyperventilating|heart attack|going to die|i am dying|think i am dying|feel like i am dying|feels like i am dying|going to pass out|about to pass out|losing my mind|going crazy|losing control|panic attack|panicking|chest is tight|chest tight|tight chest|chest pain|cannot stop shaking|can not stop shaking|suffocating|walls closing|cannot calm down|can not calm down|going to faint|not real|unreal)\b/g;

/** Severe panic: two signs of it, or one with intensity ("can't breathe, help"). */
export function panicPatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  const text = q.text({ start: 0, end: q.tokens.length });
  const signs = text.replace(/\bdying (to|for|of|laughing)\b/g, '').match(PANIC_STRONG) ?? [];
  if (signs.length === 0 && !PANIC_SEVERE_ALONE.test(text)) return;
  if (q.has('laughter') && !/panic/.test(text)) return;
  // "can't breathe underwater", "can't breathe with this cold", "stop breathing from laughing".
  if (
    /\b(underwater|under water|with this cold|blocked nose|nose is blocked|from laughing|laughing|when she is hungry|when he is hungry|roasted)\b/.test(
      text,
    )
  )
    return;
  const span = q.all('panicCore')[0] ?? { start: 0, end: q.tokens.length };
  const pastOnly =
    /\b(had|was|used to|last year|years ago|yesterday|last week)\b/.test(text) &&
    !/\b(now|right now|again|still|cannot|can not|help)\b/.test(text);
  const intense =
    new Set(signs).size >= 2 || q.has('panicIntensity') || PANIC_SEVERE_ALONE.test(text);
  if (intense && !pastOnly) {
    out.push({ level: 'crisis', category: 'panic_attack', rule: 'panic-severe', ...span });
  } else {
    out.push({ level: 'concern', category: 'panic_attack', rule: 'panic', ...span });
  }
}

/** Whether "going to kill me if i ..." is a figure of speech about a parent's or boss's anger. */
function isAngerIdiom(q: DocumentQuery, verb: Span, range: Span): boolean {
  const lemma = q.tokens[verb.start]?.lemma;
  if (lemma !== 'kill' && lemma !== 'murder') return false;
  const text = q.text(range);
  // "going to murder me when she sees", "will kill us if we lose", "nearly killed me".
  const figure =
    /\b(going to|gonna|will|would|is going to|absolutely|literally|totally|nearly|almost|so) (\w+ )?(kill|murder|killed|murdered)(ing)? (me|us|them|him|her)\b/.test(
      text,
    ) ||
    /\b(kill|murder)\w* (me|us|them|him|her) (if|when|for|because|after|lol|haha)\b/.test(text);
  if (/\b(shoot|kill|end) me now\b|\bjust (shoot|kill) me\b/.test(text)) return true;
  if (!figure && !/\b(lol|lmao|haha|hahaha|jk|figuratively|joking|kidding)\b/.test(text))
    return false;
  for (let i = range.start; i < range.end; i += 1) {
    const t = q.tokens[i];
    if (t === undefined) continue;
    if (
      REPORTED_THREAT.has(t.word) ||
      (PHYSICAL.has(t.word) && t.lemma !== 'kill' && t.lemma !== 'murder')
    ) {
      return false;
    }
  }
  return !/\b(knife|gun|weapon|hiding|locked|drunk|scared|afraid|terrified|outside|door|help)\b/.test(
    q.text({ start: 0, end: q.tokens.length }),
  );
}

/** Signs that danger is near now, strong enough alone: "outside", "hiding", "a knife". */
const STRONG_IMMINENCE =
  /\b(outside|at the door|door handle|coming home|coming back|coming up|coming for|on (his|her|their) way|banging|pounding|kicking|hiding|locked|trapped|knife|gun|weapon|bat|belt|drunk|scared|terrified|afraid|help me|police|escape|cannot leave|can not leave|will not let me|won t let me|blood|bleeding|bruises?|black eye)\b/;
/** Games and figures of speech that borrow violent verbs. */
const NOT_VIOLENCE =
  /\b(beat|beats|beating|beaten|killed|kills|destroyed|destroys|smashed|crushed|murdered) (me|us|him|her|them|my) (at|in) (chess|fifa|cards|games?|mario|the game|tennis|football|scrabble|monopoly|poker|pool|darts|a race|the race)\b|\bbeat (my|his|her) (high )?(score|record|time)\b|\b(pushed|pushes|dragged|drags|forced|forces|talked) (me|us) (to|into) (sign|go|try|join|come|watch|do|a|the|this)\b|\bfollow\w* (me|her|him|us) (on|back on) (insta|instagram|twitter|tiktok|x|facebook|snap|snapchat|youtube|twitch|spotify|social)\b|\bthrew (my|her|his) (phone|bag|clothes|keys) (in|into|on) the\b/;
const VICTIM_OBJECTS =
  /^(face|head|arm|arms|neck|throat|hair|body|wrist|wrists|ribs|nose|eye|eyes|leg|legs|back|stomach|jaw|lip|mouth|mum|mom|mother|dad|sister|brother|kids|kid|son|daughter|baby|children|dog|cat|room|door|bedroom|house|flat|phone|keys|car|passport|life|family)$/;

/** Whether token `i` names the player (or their people, body or home) as the one harmed. */
function isVictim(q: DocumentQuery, i: number): boolean {
  const word = q.tokens[i]?.word ?? '';
  if (word === 'me' || word === 'us' || word === 'myself') return true;
  if (word !== 'my' && word !== 'our') return false;
  for (let k = i + 1; k <= i + 2; k += 1)
    if (VICTIM_OBJECTS.test(q.tokens[k]?.word ?? '')) return true;
  return false;
}

/** Who does the act at `verb`: the nearest subject before it in its clause. */
function subjectOf(q: DocumentQuery, verb: number): 'self' | 'other' | undefined {
  const clause = q.tokens[verb]?.clause;
  for (let i = verb - 1; i >= Math.max(0, verb - 6); i -= 1) {
    const t = q.tokens[i];
    if (t === undefined || t.clause !== clause) break;
    if (t.word === 'i' || t.word === 'we') return 'self';
    if (t.pos === 'PRON' || t.pos === 'NOUN' || t.pos === 'PROPN') {
      if (t.word === 'me' || t.word === 'us' || t.word === 'my') continue;
      return 'other';
    }
  }
  return undefined;
}

const VICTIM_THIRD = new Set(['him', 'her', 'them', 'their', 'his']);

/** Danger from another person: an aggressor, a violent act or threat against the player. */
export function violencePatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  const done = new Set<number>();
  const message = { start: 0, end: q.tokens.length };
  const messageText = q.text(message);
  const thirdPersonSelf = q.has('selfPhrase');
  for (const verb of q.all('violenceVerb')) {
    const range = q.sentenceOf(verb.start);
    if (done.has(range.start)) continue;
    const aggressor =
      q.has('aggressor', range.start, range.end) || q.has('aggressor', message.start, message.end);
    let victim = false;
    for (let i = range.start; i < range.end; i += 1) {
      const t = q.tokens[i];
      if (t === undefined || i === verb.start) continue;
      if (isVictim(q, i) || (thirdPersonSelf && VICTIM_THIRD.has(t.word))) victim = true;
    }
    if (!aggressor || !victim) continue;
    const verbToken = q.tokens[verb.start];
    if (
      verb.end - verb.start === 1 &&
      verbToken !== undefined &&
      verbToken.pos !== 'VERB' &&
      verbToken.pos !== 'AUX'
    )
      continue;
    const verbWord = verbToken?.word ?? '';
    const verbLemma = q.tokens[verb.start]?.lemma ?? '';
    const physicalVerb = PHYSICAL.has(verbWord) || PHYSICAL.has(verbLemma);
    if (!physicalVerb && !(q.has('realRelation') && STRONG_IMMINENCE.test(messageText))) continue;
    // "beat me at chess", "pushed me to sign up", "following me on insta": not violence.
    if (NOT_VIOLENCE.test(q.text(range))) continue;
    // "the troll wants to kill me": a character of the story, unless a real person is named.
    if (
      q.has('worldEntity', range.start, range.end) &&
      !q.has('realRelation') &&
      !q.has('realWorld')
    )
      continue;
    if (
      /\b(is|are|was|were|be) killing me\b/.test(q.text(range)) &&
      !/\b(knife|gun|hit|hits|beat|beats|hurt|hurts|choke|chokes|threaten\w*)\b/.test(messageText)
    )
      continue;
    // "i shoot the wolf", "i'm going to stab the traitor": the player's own act in play.
    const own =
      subjectOf(q, verb.start) === 'self' &&
      !/\b(i (was|got|am being|get|keep getting)|me)\b/.test(q.text(range));
    if (own || isAngerIdiom(q, verb, range)) continue;
    done.add(range.start);
    const physical =
      PHYSICAL.has(q.tokens[verb.start]?.word ?? '') ||
      PHYSICAL.has(q.tokens[verb.start]?.lemma ?? '');
    const imminent =
      STRONG_IMMINENCE.test(messageText) ||
      (q.has('realRelation') && q.has('imminence', message.start, message.end) && physicalVerb);
    const pastOnly =
      /\b(used to|when i was|as a kid|as a child|years ago|growing up)\b/.test(messageText) &&
      !/\b(now|still|again|tonight|today|outside)\b/.test(messageText);
    const level = (physical || imminent) && !pastOnly ? 'crisis' : 'concern';
    out.push({ level, category: 'domestic_violence', rule: `violence-${level}`, ...range });
  }
}

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
