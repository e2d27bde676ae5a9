import type { DocumentQuery, Span } from './patterns/document-query';
import type { ScreenSignal } from './patterns/screen-signal';

/** Game mechanics that tie a death to play ("so i can respawn", "my character"); not "the game". */
const STRONG_MECHANIC =
  /\b(respawn\w*|checkpoints?|save point|savepoint|save file|reload\w*|load my save|load the save|last save|game over|extra li(fe|ves)|lives left|life left|one life|hp|health bar|health points|hit points|health potion|low health|xp|level up|in game|in the game|ingame|in this game|my (character|avatar|hero|char|toon|mage|knight|rogue|warrior|party)|the character|this character|npcs?|permadeath|perma death|hardcore mode|spawn point|you died|death screen|die in (this|the) game|can (i|you) die|if (i|you) die|when (i|you) die in|boss fight|side quest|playthrough|speedrun|new game|the shrine|mana|d20|dice)\b/;
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

function sentenceText(q: DocumentQuery, range: Span): string {
  return q.tokens
    .slice(range.start, range.end)
    .map((t) => t.word)
    .join(' ');
}

/** A command to the game naming something of its world: "stab the troll", "jump into the lake". */
function isGameCommand(q: DocumentQuery, range: Span): boolean {
  const first = q.tokens[range.start];
  if (first === undefined || first.pos !== 'VERB' || FIRST_PERSON_HARD.has(first.word))
    return false;
  for (let i = range.start; i < range.end; i += 1) {
    if (FIRST_PERSON_HARD.has(q.tokens[i]?.word ?? '')) return false;
  }
  return (
    q.has('worldEntity', range.start, range.end) || q.has('gameMechanic', range.start, range.end)
  );
}

/** Someone of the story acts or is spoken of, and the player is not in the sentence. */
function isAboutCharacter(q: DocumentQuery, range: Span): boolean {
  if (q.firstPerson(range.start, range.end)) return false;
  if (q.has('selfPhrase', range.start, range.end)) return false;
  if (q.has('realRelation', range.start, range.end)) return false;
  if (q.has('worldEntity', range.start, range.end) || q.has('gameMechanic', range.start, range.end))
    return true;
  return q.has('textObject', range.start, range.end) && q.has('readVerb', range.start, range.end);
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
const IDEATION =
  /\b(die|died|dying|dead|death|suicid\w*|kill myself|killing myself|end my life|end it|wake up|alive|live|living|exist|goodbye|pills|overdose|hurt myself|cut myself|for real|real life)\b/;

/** The player acting in the world ("i jump off the hilltop with the kite", "throw myself at the troll"). */
function isPlayAction(q: DocumentQuery, range: Span): boolean {
  if (IDEATION.test(sentenceText(q, range))) return false;
  for (let i = range.start; i < range.end; i += 1) {
    const length = q.at(i, 'worldEntity');
    if (length === 0) continue;
    const name = q.tokens
      .slice(i, i + length)
      .map((t) => t.word)
      .join(' ');
    if (!MEANS_LIKE.has(name) && !MEANS_LIKE.has(q.tokens[i]?.lemma ?? '')) return true;
  }
  return false;
}

/** Whether the quote starting at `i` is read from the world, not the player's own words. */
function quoteFromWorld(q: DocumentQuery, i: number): boolean {
  const range = q.sentenceRange(q.tokens[i]?.sentence ?? -1);
  const start = Math.max(range.start, q.quoteStart(i));
  const lead = q.tokens.slice(Math.max(range.start, start - 8), start);
  const firstPerson = lead.some((t) => FIRST_PERSON_HARD.has(t.word) || t.word === 'my');
  const selfWriting = lead.some((t) => SELF_WRITING.has(t.word) || SELF_WRITING.has(t.lemma));
  if (firstPerson && selfWriting && !lead.some((t) => t.lemma === 'read')) return false;
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
      if (
        isGameCommand(q, range) ||
        isAboutCharacter(q, range) ||
        isPlayAction(q, range) ||
        STRONG_MECHANIC.test(sentenceText(q, range))
      ) {
        sentences.add(s);
      }
    }
  }
  return {
    overridden,
    sentences,
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

/** Whether the fiction frame covers a signal: its first token is in a framed sentence or quote. */
export function isFramed(frame: FictionFrame, q: DocumentQuery, signal: ScreenSignal): boolean {
  if (frame.overridden) return false;
  const first = q.tokens[signal.start];
  if (first === undefined) return false;
  let quoted = true;
  for (let i = signal.start; i < Math.max(signal.end, signal.start + 1); i += 1) {
    if (!frame.quoted(i)) quoted = false;
  }
  if (quoted) return true;
  const last = q.tokens[Math.max(signal.start, signal.end - 1)];
  return (
    frame.sentences.has(first.sentence) &&
    (last === undefined || frame.sentences.has(last.sentence))
  );
}
