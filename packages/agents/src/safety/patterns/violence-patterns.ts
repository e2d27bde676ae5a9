import type { DocumentQuery, Span } from './document-query';
import type { ScreenSignal } from './screen-signal';

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
/** Another person armed against the player: "she says she's bringing a knife", "he has a gun". */
const ARMED =
  /\b(bring\w*|brought|has|had|have|got|grabbed|grabbing|holding|carrying|waving|pulled|with) (out )?(a|an|the|his|her|their)? ?(kitchen |big |hunting )?(knife|knives|gun|pistol|rifle|shotgun|bat|hammer|machete|axe|blade|weapon)\b/;

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
    const armed = ARMED.test(messageText) && !q.has('worldEntity');
    const physicalVerb = PHYSICAL.has(verbWord) || PHYSICAL.has(verbLemma) || armed;
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
      armed ||
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
