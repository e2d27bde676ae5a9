import type { DocumentQuery, Span } from './document-query';
import type { CssrsLevel, ScreenSignal } from './screen-signal';
import { foundInStory } from './story-text';

/** Acts that prepare a means ("saving", "tied", "lined up"): stronger than "got" or "take". */
const PREPARING = new Set([
  'save',
  'saving',
  'saved',
  'stockpile',
  'stockpiling',
  'stockpiled',
  'hoard',
  'hoarding',
  'hoarded',
  'collect',
  'collecting',
  'collected',
  'stash',
  'stashing',
  'stashed',
  'hide',
  'hiding',
  'hid',
  'hidden',
  'tie',
  'tied',
  'tying',
  'knot',
  'knotted',
  'load',
  'loaded',
  'sharpen',
  'sharpened',
  'test',
  'tested',
  'practice',
  'practiced',
  'rehearse',
  'rehearsed',
  'crush',
  'crushed',
  'count',
  'counted',
  'counting',
  'hang',
  'hung',
  'hanging',
  'rig',
  'rigged',
  'measure',
  'measured',
  'scout',
  'scouted',
  'ready',
  'waiting',
  'prepare',
  'prepared',
  'buy',
  'bought',
  'order',
  'ordered',
  'gather',
  'gathered',
  'line',
  'lined',
  'lay',
  'laid',
  'keep',
  'kept',
  'set',
  'fill',
  'filled',
  'grind',
  'ground',
  'research',
  'researched',
  'google',
  'googled',
  'staring',
  'stare',
  'stared',
  'hold',
  'holding',
  'held',
]);
const QUANTITY_NUMBER = /^(\d{1,4})$/;
const FIXATION = new Set([
  'stare',
  'staring',
  'stared',
  'look',
  'looking',
  'hold',
  'holding',
  'think',
  'thinking',
  'keep',
]);

/** Ordinary use of medicine ("two paracetamol for a headache", "my allergy pill"). */
const BENIGN_MEDICINE =
  /\b(max|maximum|safe dose|per day|a day|in a day|recommended|for (a|my|the) (headache|migraine|cold|flu|fever|back|knee|tooth|toothache|period|cramps|allergies|allergy|hay fever|throat|cough|pain|sore)|vitamins?|allergy|allergies|antihistamine|as prescribed|my (daily|morning|evening|usual|normal|regular) (meds|pills|tablets|medication|dose)|prescription (was )?ready|pharmacy|pharmacist|doctor (said|told|gave)|dentist|check ?up|(one|two|a couple of) (paracetamol|ibuprofen|aspirin|advil|tylenol|pills?|tablets?))\b/;
/** Things one "takes all of" that are not swallowed: items, photos, days off. */
const NOT_INGESTIBLE =
  /\b(items?|loot|coins|gold|gems|cards|photos|pictures|holidays|days off|notes|screenshots|quests?|classes|courses|shifts|credit|blame|advice|the hint|hints)\b/;
/** Coffee, water and vitamins: drinks and pills of an ordinary day. */
const BENIGN_DRINK =
  /\b(coffee|coffe|espresso|tea|water|juice|energy drink|red bull|monster|soda|coke zero|smoothie|milkshake|vitamins?)\b/;
const RISK_DESPITE_MEDICINE =
  /\b(die|dead|death|end it|kill myself|on purpose|not wake|never wake|all of|whole|every|too many|overdose|goodbye|suicid\w*)\b/;

/** "at 3am", "2 pm", "11:30": a time of day. */
function hasClockTime(q: DocumentQuery): boolean {
  return q.tokens.some(
    (t, i) =>
      /^\d{1,2}(:\d\d)?(am|pm)$/.test(t.word) ||
      (/^\d{1,2}(:\d\d)?$/.test(t.word) && ['am', 'pm'].includes(q.tokens[i + 1]?.word ?? '')),
  );
}

function hasPreparing(q: DocumentQuery, range: Span): boolean {
  for (let i = range.start; i < range.end; i += 1) {
    if (q.tokens[i]?.word === 'ready' && q.tokens[i + 1]?.word === 'to') continue;
    const t = q.tokens[i];
    if (t !== undefined && (PREPARING.has(t.word) || PREPARING.has(t.lemma))) return true;
  }
  return false;
}

function hasQuantity(q: DocumentQuery, range: Span): boolean {
  for (let i = range.start; i < range.end; i += 1) {
    const word = q.tokens[i]?.word ?? '';
    const n = QUANTITY_NUMBER.exec(word);
    if (n?.[1] !== undefined && Number(n[1]) >= 5) return true;
    if (q.at(i, 'quantity') > 0) return true;
  }
  return false;
}

function hasFixation(q: DocumentQuery, range: Span): boolean {
  for (let i = range.start; i < range.end; i += 1) {
    const t = q.tokens[i];
    if (t !== undefined && (FIXATION.has(t.word) || FIXATION.has(t.lemma))) return true;
  }
  return false;
}

/** Which cue turns a means into risk, and at which C-SSRS level. */
function meansLevel(
  q: DocumentQuery,
  range: Span,
  message: Span,
  self: boolean,
): CssrsLevel | undefined {
  const ingested = q.has('ingest', range.start, range.end);
  if (ingested && (hasQuantity(q, range) || q.has('symptom', message.start, message.end)))
    return 'attempt';
  if (q.has('symptom', range.start, range.end) && self) return 'attempt';
  if (q.has('attemptWord', range.start, range.end) && self) return 'attempt';
  if (q.has('farewell', message.start, message.end)) return 'preparatory';
  const time = q.has('timeMarker', message.start, message.end) || hasClockTime(q);
  if (hasPreparing(q, range) && (self || time)) return 'preparatory';
  if (time && (self || q.has('planWord', range.start, range.end))) {
    if (
      q.has('planWord', message.start, message.end) ||
      q.has('deathWord', message.start, message.end) ||
      q.has('emotion', message.start, message.end)
    )
      return 'plan';
  }
  if (
    q.has('planWord', range.start, range.end) &&
    (self || q.has('deathWord', message.start, message.end))
  )
    return 'method';
  if (self && hasFixation(q, range)) return 'method';
  return undefined;
}

/**
 * A means (pills, rope, a bridge) with a cue of risk in the same sentence: a quantity
 * swallowed or symptoms (attempt), preparing or hiding it, a time, a farewell (plan,
 * preparatory), a question of how much or how high (method).
 */
export function meansPatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  const message = { start: 0, end: q.tokens.length };
  ingestionPatterns(q, out);
  const seen = new Set<number>();
  for (const span of [...q.all('meansStrong'), ...q.all('meansPlace')]) {
    const range = q.sentenceOf(span.start);
    if (seen.has(range.start)) continue;
    const strong = q.at(span.start, 'meansStrong') > 0;
    const self = q.firstPerson(range.start, range.end);
    if (!strong) {
      // A place is a means only with a fall or an end: "how high is the bridge to jump".
      const fall =
        /\b(jump|jumping|jumped|fall|falling|drop|high|height|edge|off|over|survive|lean|leaning|step|stepping)\b/.test(
          q.text(range),
        );
      if (!fall || (!self && !q.has('timeMarker', range.start, range.end))) continue;
    }
    const text = q.text(range);
    if (BENIGN_MEDICINE.test(text) && !RISK_DESPITE_MEDICINE.test(text)) continue;
    const cssrs = meansLevel(q, range, message, self);
    if (cssrs === undefined) continue;
    seen.add(range.start);
    const category =
      cssrs === 'attempt' &&
      q.has('substanceContext', range.start, range.end) &&
      !q.has('deathWord', message.start, message.end)
        ? 'substance_abuse'
        : 'suicidal_ideation';
    out.push({ level: 'crisis', category, cssrs, rule: `means-${cssrs}`, ...range });
  }
}

/** Strong farewells ("wrote letters to my family", "gave away my cat", "this is goodbye"). */
const STRONG_FAREWELL =
  /\b(goodbye notes?|goodbye letters?|goodbye messages?|(gave|giving|give|given) (\w+ ){0,3}away|testament|said goodbye to everyone|say goodbye to everyone|goodbye to everyone|goodbye everyone|(it was|was) the last time|for the last time|last will|will (is )?signed|loose ends|who (takes|gets|will take|will get) my|who gets the (cat|dog)|rehomed|rehoming|not for a move|for after$|it is for after|nobody has to deal with it|suicide note|gave away|giving away|give away|given away|rehome|affairs in order|things in order|last message|final message|last words|this is goodbye|bye forever|goodbye forever|not be around|not be here|never see me|never hear from me|not hear from me|nobody has to deal with me|no one has to deal with me|nobody will have to|no one will have to|be rid of me|be free of me|get rid of me|made a will|wrote my will|made my will|said my goodbyes|saying my goodbyes|say my goodbyes|letters to my|letter to my|note to my|notes for|letters for|note for|letter for|wrote notes|wrote letters|writing letters|writing notes|wrote a note|wrote a letter|written a note|written letters|deleted all|deleting my|deleted my|my last day|this is my last|final day|my last week|final week|see you on the other side|after i am gone|when i am gone|once i am gone|if i do not make it|one less)\b/;

const BENIGN_LEAVING =
  /\b(move|moving|moved|emigrat\w*|relocat\w*|detox|airport|flight|abroad|canada|australia|uni|university|college|new job|last week at|last day at|this job|my job|xmas|christmas|birthday|wedding|skiing|holiday|vacation|trip|travel|travelling|traveling|decluttering|declutter|clearing out|spring clean|marie kondo|charity shop|for when i am back|when i get back|when i come back|break up|breaking up|end it with|ending it with|session|for tonight|for today|off to)\b/;
const OTHERS_BEFORE = new Set(["'s", 's', 'his', 'her', 'their', 'its']);

/** Farewells and preparatory acts without a named means, with the player as the one leaving. */
export function farewellPatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  const text = q.text({ start: 0, end: q.tokens.length });
  const spans = q.all('farewell');
  if (spans.length === 0) {
    // "GAVE EVERYTHING AWAY TODAY", "sent my sister my passwords for after": no farewell word, still one.
    if (
      STRONG_FAREWELL.test(text) &&
      (q.firstPerson(0, q.tokens.length) || q.has('selfPhrase')) &&
      !BENIGN_LEAVING.test(text)
    ) {
      out.push({
        level: 'crisis',
        category: 'suicidal_ideation',
        cssrs: 'preparatory',
        rule: 'farewell',
        start: 0,
        end: q.tokens.length,
      });
    }
    return;
  }
  // "giving my stuff away for the move", "goodbye at the airport": leaving, not dying.
  if (
    BENIGN_LEAVING.test(text) &&
    !q.has('deathWord') &&
    !q.has('suicideWord') &&
    !q.has('meansStrong')
  )
    return;
  const strong = STRONG_FAREWELL.test(text);
  const cues =
    spans.length +
    (q.has('timeMarker') ? 1 : 0) +
    (q.has('emotion') ? 1 : 0) +
    (q.has('deathWord') ? 1 : 0) +
    (q.has('planWord') ? 1 : 0) +
    (q.has('realWorld') ? 1 : 0);
  const self = q.firstPerson(0, q.tokens.length) || !q.has('worldEntity');
  if (!self) return;
  // "the dying knight's last words": someone else's farewell.
  const own = spans.filter(
    (span) =>
      !OTHERS_BEFORE.has(q.tokens[span.start - 1]?.word ?? '') && !foundInStory(q, span.start),
  );
  if (own.length === 0) return;
  const first = own[0] ?? { start: 0, end: 0 };
  if (strong || cues >= 3) {
    out.push({
      level: 'crisis',
      category: 'suicidal_ideation',
      cssrs: 'preparatory',
      rule: 'farewell',
      ...first,
    });
  } else if (cues >= 2) {
    out.push({ level: 'concern', category: 'suicidal_ideation', rule: 'farewell-weak', ...first });
  }
}

const PAST_INGEST =
  /\b(took|taken|swallowed|downed|ate|necked|popped|had(?! to)|injected|snorted|drank|did) (\w+ ){0,4}(all|every|everything|the lot|the whole|whole|way more|too many|too much|more than|double|triple|a bottle|a box|a pack|a handful|handful|a bunch|loads|lots|\d{2,}(?! ?(minutes?|mins?|hours?|hrs?|seconds?|secs?|days?|weeks?|months?|years?|miles?|km|kilometres?|kilometers?|metres?|meters?|pounds|quid|dollars|euros|bucks|percent|points?|levels?|goals?|people|times)\b))\b/;
const ON_PURPOSE =
  /\b(on purpose|to not wake up|so i do not wake up|so i will not wake up|to end it|to die|kick in|minutes ago|an hour ago|hours ago|too late|will not wake|won t wake|not wake up from)\b/;

/** "swallowed the lot", "took way more than i'm meant to, on purpose": an overdose said without a means. */
function ingestionPatterns(q: DocumentQuery, out: ScreenSignal[]): void {
  for (let s = 0; s < q.sentenceCount; s += 1) {
    const range = q.sentenceRange(s);
    const text = q.text(range);
    const taken = PAST_INGEST.test(text);
    if (BENIGN_MEDICINE.test(text) && !RISK_DESPITE_MEDICINE.test(text)) continue;
    if (BENIGN_DRINK.test(text) && !q.has('meansStrong', range.start, range.end)) continue;
    if (NOT_INGESTIBLE.test(text) && !q.has('meansStrong', range.start, range.end)) continue;
    if (!taken && !(q.has('ingest', range.start, range.end) && ON_PURPOSE.test(text))) continue;
    if (!q.firstPerson(range.start, range.end) && q.has('worldEntity', range.start, range.end))
      continue;
    if (
      taken &&
      !q.has('meansStrong') &&
      !q.has('symptom') &&
      !ON_PURPOSE.test(text) &&
      !q.has('substanceContext')
    )
      continue;
    out.push({
      level: 'crisis',
      category: 'suicidal_ideation',
      cssrs: 'attempt',
      rule: 'ingestion',
      ...range,
    });
  }
}
