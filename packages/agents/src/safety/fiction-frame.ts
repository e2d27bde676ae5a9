import type { DocumentQuery, Span } from './patterns/document-query';
import type { ScreenSignal } from './patterns/screen-signal';

/** Game mechanics that tie a death to play ("so i can respawn", "my character"); not "the game". */
const STRONG_MECHANIC =
  /\b(respawn\w*|checkpoints?|save point|savepoint|save file|reload\w*|load my save|load the save|last save|game over|extra li(fe|ves)|lives left|life left|one life|hp|health bar|health points|hit points|health potion|low health|xp|level up|in game|in the game|ingame|in this game|my (character|avatar|hero|char|toon|mage|knight|rogue|warrior|party)|the character|this character|npcs?|permadeath|perma death|hardcore mode|spawn point|you died|death screen|die in (this|the) game|can (i|you) die|if (i|you) die|when (i|you) die in|boss fight|side quest|playthrough|speedrun|new game|the shrine|mana|d20|dice|totem|in (hardcore|survival|creative|minecraft|fortnite|roblox|skyrim|the sims|game|a game|the story|story mode))\b/;
const FIRST_PERSON_HARD = new Set(['i', 'me', 'myself', "i'm", 'im']);
const SELF_WRITING = new Set([
  'write',
  'wrote',
  'written',
  'writing',
  'say',
  'said',
  'tell',
  'told',
  'text',
  'texted',
  'type',
  'typed',
  'post',
  'posted',
  'think',
  'thought',
  'feel',
  'felt',
  'keep',
  'mean',
  'meant',
]);

/** Where the player's words are play, not the player: sentences and quoted tokens. */
export interface FictionFrame {
  /** Whether the message carries a real-world marker ("irl", "not my character"): no frame then. */
  readonly overridden: boolean;
  /** Sentences read as play. */
  readonly sentences: ReadonlySet<number>;
  /** Whether the whole message is about play (game mechanics, other games, the story's world). */
  readonly gameContext: boolean;
  /**
   * Whether the message talks about games themselves (bosses, levels, respawns, other games),
   * not only commands to this one: then acts anywhere in it are the game's.
   */
  readonly gameTalk: boolean;
  /** Whether token `i` is in-game text read aloud or quoted. */
  quoted(i: number): boolean;
}

function hasRealWorldMarker(q: DocumentQuery): boolean {
  if (q.has('realWorld')) return true;
  // "never mind the quest", "forget the kite": the player sets the game aside.
  for (const span of q.all('dismissal')) {
    if (q.after(span.end, 'gameNoun', 3) !== undefined) return true;
  }
  return false;
}

/** A command to the game naming something of its world: "stab the troll", "jump into the lake". */
function isGameCommand(q: DocumentQuery, range: Span): boolean {
  const first = q.tokens[range.start];
  // An imperative: a verb in its base form first ("stab", not "stabbed"), and no "i" or "me".
  if (first === undefined || first.pos !== 'VERB' || first.word !== first.lemma) return false;
  // "tie the rope to the tree so i can climb down": the command's own clause has no "i".
  const clause = q.clauseRange(range.start);
  for (let i = clause.start; i < clause.end; i += 1) {
    if (FIRST_PERSON_HARD.has(q.tokens[i]?.word ?? '')) return false;
  }
  if (IDEATION.test(q.text(range))) return false;
  return namesPlayEntity(q, range) || STRONG_MECHANIC.test(q.text(range));
}

/** Someone of the story acts or is spoken of, and the player is not in the sentence. */
function isAboutCharacter(q: DocumentQuery, range: Span): boolean {
  if (q.firstPerson(range.start, range.end)) return false;
  if (q.has('selfPhrase', range.start, range.end)) return false;
  if (q.has('realRelation', range.start, range.end)) return false;
  if (namesCharacter(q, range) || q.has('gameMechanic', range.start, range.end)) return true;
  return q.has('textObject', range.start, range.end) && q.has('readVerb', range.start, range.end);
}

/** Items of the world: a sentence that lists them ("lantern, stone and a wish to be dead") is no character's. */
const ITEMS = new Set([
  'lantern',
  'lamp',
  'kite',
  'red kite',
  'feather',
  'white feather',
  'smooth stone',
  'wildflower',
  'seedling',
  'seeds',
  'packet of seeds',
  'watering can',
  'brass key',
  'book of poems',
  'blank journal',
  'greenhouse',
  'meadow',
  'hilltop',
  'lakeside',
  'sword',
  'dagger',
  'potion',
  'potions',
  'vial',
  'elixir',
  'scroll',
  'amulet',
  'treasure chest',
  'inventory',
]);

/** Whether `range` names someone of the story (a character, a creature), not only an item. */
function namesCharacter(q: DocumentQuery, range: Span): boolean {
  for (let i = range.start; i < range.end; i += 1) {
    const length = q.at(i, 'worldEntity');
    if (length === 0) continue;
    if (!ITEMS.has(q.text({ start: i, end: i + length })) && !ITEMS.has(q.tokens[i]?.lemma ?? ''))
      return true;
  }
  return false;
}

/** Words of the world that are also means in real life: they never make a sentence play. */
const MEANS_LIKE = new Set([
  'bridge',
  'cliff',
  'river',
  'rope',
  'trap',
  'traps',
  'poison',
  'venom',
  'lake',
  'well',
  'pit',
  'chasm',
  'abyss',
  'tower',
  'ladder',
  'tree',
  'branch',
  'fire',
  'flames',
  'water',
  'knife',
  'dagger',
  'blade',
  'sword',
  'gun',
  'bow',
  'arrow',
  'arrows',
  'potion',
  'potions',
  'vial',
  'flask',
  'elixir',
  'man',
  'woman',
  'the man',
  'the woman',
  'stranger',
  'doctor',
  'nurse',
  'stone',
]);
/**
 * Means that exist in the player's world, not the game's (pills, painkillers, insulin): a
 * sentence that names one is never play, whatever game words it also has ("last save, i've got
 * the pills ready for when this chapter ends").
 */
const REAL_MEANS =
  /\b(pills?|tablets?|meds|medications?|paracetamol|tylenol|acetaminophen|ibuprofen|aspirin|painkillers?|antidepressants?|sleeping (pills|tablets|meds)|insulin|xanax|benzos?|valium|oxy\w*|fentanyl|heroin|morphine|codeine|tramadol|lithium|seroquel|prozac|zoloft|sertraline|amitriptyline|prescriptions?|blister packs?)\b/;

/** A death undone by play: "jump off the tower to respawn". */
const PLAY_DEATH =
  /\b(respawn\w*|checkpoints?|save point|reload\w*|extra li(fe|ves)|lives left|game over|permadeath|perma death|hardcore mode|spawn point)\b/;

/**
 * A sentence the frame never covers: it names a means of the player's world (pills, insulin),
 * or the player in the third person ("the human behind this character", "the one typing")
 * without a death that play undoes.
 */
function isRealSentence(q: DocumentQuery, range: Span): boolean {
  const text = q.text(range);
  if (REAL_MEANS.test(text)) return true;
  return q.has('selfPhrase', range.start, range.end) && !PLAY_DEATH.test(text);
}

const IDEATION =
  /\b(die|died|dying|dead|death|suicid\w*|(kill|hang|hurt|cut|end|off|drown|shoot|stab|burn|poison|starve)\w* (myself|herself|himself|themselves|my life|it all)|end my life|end it|wake up|alive|live|living|exist|goodbye|pills|overdose|for real|real life|self harm)\b/;

/** The player acting in the world ("i jump off the hilltop with the kite", "throw myself at the troll"). */
function isPlayAction(q: DocumentQuery, range: Span): boolean {
  return !IDEATION.test(q.text(range)) && namesPlayEntity(q, range);
}

/** Whether `range` names something of the world that is not also a means in real life. */
function namesPlayEntity(q: DocumentQuery, range: Span): boolean {
  for (let i = range.start; i < range.end; i += 1) {
    const length = q.at(i, 'worldEntity');
    if (length === 0) continue;
    const name = q.text({ start: i, end: i + length });
    if (!MEANS_LIKE.has(name) && !MEANS_LIKE.has(q.tokens[i]?.lemma ?? '')) return true;
  }
  return false;
}

/** Talk about games: a strong game mechanic, or three words of games (boss, level, tries...). */
function isMetaGameTalk(q: DocumentQuery): boolean {
  if (STRONG_MECHANIC.test(q.text({ start: 0, end: q.tokens.length }))) return true;
  let mentions = 0;
  for (let i = 0; i < q.tokens.length && mentions < 3; i += 1) {
    if (q.at(i, 'gameMechanic') > 0) mentions += 1;
  }
  return mentions >= 3;
}

/** A message about play: a game mechanic, or two mentions of games and their worlds. */
function isGameTalk(q: DocumentQuery): boolean {
  const all = { start: 0, end: q.tokens.length };
  if (STRONG_MECHANIC.test(q.text(all))) return true;
  let mentions = 0;
  const entities = new Set<string>();
  for (let i = 0; i < q.tokens.length && mentions < 2; i += 1) {
    if (q.at(i, 'gameMechanic') > 0) mentions += 1;
    if (namesPlayEntity(q, { start: i, end: i + 1 })) entities.add(q.tokens[i]?.lemma ?? '');
  }
  return mentions >= 2 || (mentions === 1 && entities.size > 0) || entities.size >= 2;
}

/** Whether the quote starting at `i` is read from the world, not the player's own words. */
function quoteFromWorld(q: DocumentQuery, i: number): boolean {
  const range = q.sentenceOf(i);
  const start = Math.max(range.start, q.quoteStart(i));
  const lead = q.tokens.slice(Math.max(range.start, start - 8), start);
  // "write: ...", "i wrote: ...", "i told him ...": the player's own words, unless read.
  const reads = lead.some((t) => t.lemma === 'read');
  const writing = lead.findIndex((t) => SELF_WRITING.has(t.word) || SELF_WRITING.has(t.lemma));
  if (writing >= 0 && !reads) {
    const speaker = lead.slice(0, writing);
    const byCharacter = speaker.some(
      (t, k) => q.at(start - lead.length + k, 'worldEntity') > 0 && !FIRST_PERSON_HARD.has(t.word),
    );
    if (!byCharacter) return false;
  }
  if (lead.some((t) => FIRST_PERSON_HARD.has(t.word)) && !reads && writing >= 0) return false;
  return q.has('textObject') || q.has('readVerb') || q.has('worldEntity');
}

/**
 * Finds where the text is play on positive evidence only: in-game text read aloud or quoted,
 * a sentence about a character of the story without the player in it, a game command naming
 * the world, or a death tied to a game mechanic ("so i can respawn"). A real-world marker
 * anywhere ("irl", "for real", "not my character", "the person typing", "never mind the
 * quest") cancels every frame.
 */
export function findFictionFrame(q: DocumentQuery): FictionFrame {
  const sentences = new Set<number>();
  const overridden = hasRealWorldMarker(q);
  const quotedFromWorld = new Map<number, boolean>();
  if (!overridden) {
    for (let s = 0; s < q.sentenceCount; s += 1) {
      const range = q.sentenceRange(s);
      if (range.end <= range.start) continue;
      if (isRealSentence(q, range)) continue;
      if (
        isGameCommand(q, range) ||
        isAboutCharacter(q, range) ||
        isPlayAction(q, range) ||
        STRONG_MECHANIC.test(q.text(range))
      ) {
        sentences.add(s);
      }
    }
  }
  return {
    overridden,
    sentences,
    gameContext: !overridden && isGameTalk(q),
    gameTalk: !overridden && isMetaGameTalk(q),
    quoted: (i) => {
      if (overridden || q.tokens[i]?.quoted !== true) return false;
      const start = q.quoteStart(i);
      const known = quotedFromWorld.get(start);
      if (known !== undefined) return known;
      const fromWorld = quoteFromWorld(q, i);
      quotedFromWorld.set(start, fromWorld);
      return fromWorld;
    },
  };
}

/** Rules that read acts and events, which a game is full of, rather than the player's wishes. */
const ACTION_RULES =
  /^(violence|means|method-act|ingestion|self-harm|medical|panic|attempt|farewell)/;

/** Whether the fiction frame covers a signal: its first token is in a framed sentence or quote. */
export function isFramed(frame: FictionFrame, q: DocumentQuery, signal: ScreenSignal): boolean {
  if (frame.overridden) return false;
  // In talk about play, acts (fights, falls, poisons, wounds) are the game's; wishes to die are not.
  const range = q.sentenceOf(signal.start);
  if (isRealSentence(q, range)) return false;
  if (frame.gameContext && ACTION_RULES.test(signal.rule)) {
    if (frame.gameTalk) return true;
    if (
      q.has('worldEntity', range.start, range.end) ||
      q.has('gameMechanic', range.start, range.end)
    )
      return true;
  }
  const first = q.tokens[signal.start];
  if (first === undefined) return false;
  // Read aloud: most of the signal's words are in-game text ("the poem goes: let me sleep ...").
  const end = Math.max(signal.end, signal.start + 1);
  let quoted = 0;
  for (let i = signal.start; i < end; i += 1) if (frame.quoted(i)) quoted += 1;
  if (quoted * 2 >= end - signal.start && quoted > 0) return true;
  const last = q.tokens[Math.max(signal.start, signal.end - 1)];
  return (
    frame.sentences.has(first.sentence) &&
    (last === undefined || frame.sentences.has(last.sentence))
  );
}
