import type { SafetyLexicon } from '../lexicon/screen-lexicon';

/** Look-alike letters of other scripts that spell English words ("ѕuicide" with a Cyrillic s). */
const HOMOGLYPHS: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ј: 'j',
  ԁ: 'd',
  ɡ: 'g',
  ο: 'o',
  α: 'a',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
};
const HOMOGLYPH_PATTERN = new RegExp(`[${Object.keys(HOMOGLYPHS).join('')}]`, 'g');
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '+': 't',
};
/** Laughing emoji read as "lol": they mark a joke, as the word does. */
const LAUGHING_EMOJI = /[\u{1F602}\u{1F923}\u{1F480}\u{1F606}\u{1F605}\u{1F639}]/gu;
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g;
const APOSTROPHES = /[\u2018\u2019\u201b\u02bc\u0060\u00b4]/g;
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u00ab\u00bb]/g;
/** Numbers with a unit or an ordinal ("3am", "20mg", "2nd") are not leetspeak. */
const NUMBER_WITH_UNIT = /^\d+(?:am|pm|mg|ml|g|kg|lbs?|h|hrs?|mins?|s|x|st|nd|rd|th|k|yo|yrs?)$/;
/** Tokens: runs of word characters (with leetspeak symbols inside), or one other character. */
const TOKEN = /[a-z0-9'@$|+]+(?:[!][a-z0-9'@$|+]+)*|[^a-z0-9'@$|+\s]/g;
const HAS_WORD_CHARACTER = /[a-z0-9]/;
/** Three or more single letters separated by spaces, dots or dashes: "k m s", "s.u.i.c.i.d.e". */
const SPLIT_LETTERS = /\b[a-z](?:[ .\-_*][a-z]){2,}\b/g;

function deLeet(word: string): string {
  if (!/[a-z]/.test(word) || !/[0-9@$!|+]/.test(word) || NUMBER_WITH_UNIT.test(word)) return word;
  // A trailing "!" or "+" is punctuation, not a letter.
  const core = word.replace(/[!+]+$/, '');
  return core.replace(/[0-9@$!|+]/g, (c) => LEET[c] ?? c) + word.slice(core.length);
}

/** "diiiie" → "die", "sooooo" → "soo": stretched letters back to a word the lexicon knows. */
function unstretch(word: string, known: ReadonlySet<string>): string {
  if (!/(.)\1\1/.test(word)) return word;
  const two = word.replace(/(.)\1{2,}/g, '$1$1');
  if (known.has(two)) return two;
  const one = word.replace(/(.)\1{2,}/g, '$1');
  return known.has(one) ? one : two;
}

/** Contractions spelled out, so that "won't", "wont" and "will not" read alike. */
const IRREGULAR_NEGATIONS: Readonly<Record<string, string>> = {
  "won't": 'will not',
  "can't": 'can not',
  "shan't": 'shall not',
  "ain't": 'am not',
  cannot: 'can not',
};
const PRONOUN_IS = new Set([
  'it',
  'that',
  'he',
  'she',
  'there',
  'what',
  'who',
  'here',
  'where',
  'everything',
  'nothing',
  'life',
  'everyone',
  'nobody',
  'somebody',
  'someone',
]);
const SUFFIXES: Readonly<Record<string, string>> = {
  "'m": 'am',
  "'re": 'are',
  "'ll": 'will',
  "'ve": 'have',
  "'d": 'would',
};

function expandContraction(word: string): string {
  if (!word.includes("'") && word !== 'cannot') return word;
  const irregular = IRREGULAR_NEGATIONS[word];
  if (irregular !== undefined) return irregular;
  if (word.endsWith("n't") && word.length > 3) return `${word.slice(0, -3)} not`;
  const suffix = /^([a-z]+)('m|'re|'ll|'ve|'d)$/.exec(word);
  if (suffix?.[1] !== undefined && suffix[2] !== undefined)
    return `${suffix[1]} ${SUFFIXES[suffix[2]] ?? ''}`;
  const is = /^([a-z]+)'s$/.exec(word);
  if (is?.[1] !== undefined && PRONOUN_IS.has(is[1])) return `${is[1]} is`;
  return word;
}

const PLAIN_WORD = /^[a-z]+$/;
const TRIPLE = /(.)\1\1/;

function rewriteWord(word: string, lexicon: SafetyLexicon): string {
  // Most words are plain letters: no leetspeak, no quotes to strip.
  const plainLetters = PLAIN_WORD.test(word);
  const unleeted = plainLetters ? word : deLeet(word);
  const plain =
    word.length >= 3 && TRIPLE.test(unleeted) ? unstretch(unleeted, lexicon.vocabulary) : unleeted;
  const bare = plainLetters || !plain.includes("'") ? plain : plain.replace(/^'+|'+$/g, '');
  const known = lexicon.slang.get(bare) ?? lexicon.typos.get(bare);
  if (known !== undefined) return known;
  const expanded = expandContraction(bare);
  return expanded === bare
    ? bare
    : expanded
        .split(' ')
        .map((w) => lexicon.slang.get(w) ?? w)
        .join(' ');
}

/** Joins two neighbouring words that spell a risk word together ("sui cide", "my self"). */
function joinSplitWords(words: string[], lexicon: SafetyLexicon): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const next = words[i + 1];
    // Slang of two or three words ("catch the bus", "sewer slide", "self delete").
    if (next !== undefined && lexicon.slangFirstWords.has(word)) {
      const three = `${word} ${next} ${words[i + 2] ?? ''}`;
      const two = `${word} ${next}`;
      const phrase = lexicon.slang.get(three) ?? lexicon.slang.get(two);
      if (phrase !== undefined) {
        out.push(phrase);
        i += lexicon.slang.has(three) ? 2 : 1;
        continue;
      }
    }
    const joined = next === undefined ? '' : word + next;
    if (
      next !== undefined &&
      joined.length >= 6 &&
      /^[a-z]+$/.test(joined) &&
      (lexicon.vocabulary.has(joined) || lexicon.typos.has(joined) || lexicon.slang.has(joined))
    ) {
      out.push(rewriteWord(joined, lexicon));
      i += 1;
    } else {
      out.push(word);
    }
  }
  return out;
}

/**
 * Prepares the player's text for the screen, in one linear pass: Unicode NFKC, lowercase,
 * look-alike letters, invisible characters, apostrophes and quotes unified, leetspeak
 * ("k1ll" → "kill"), stretched letters, letters split apart ("k m s"), slang and txt-speak
 * ("unalive", "wanna", "2nite") and known misspellings replaced by the plain words.
 * Punctuation is kept (clauses and quotes are read from it); words are separated by spaces.
 */
export function normalizeScreenText(text: string, lexicon: SafetyLexicon): string {
  const prepared = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(INVISIBLE, '')
    .replace(HOMOGLYPH_PATTERN, (c) => HOMOGLYPHS[c] ?? c)
    .replace(APOSTROPHES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(/[\r\n]+/g, ' . ')
    // An ellipsis trails a thought ("read what's left: ...no point"): a pause, not a full stop.
    .replace(/\.{2,}|\u2026/g, ' , ')
    .replace(LAUGHING_EMOJI, ' lol ')
    .replace(SPLIT_LETTERS, (run) => {
      const joined = run.replace(/[ .\-_*]/g, '');
      return lexicon.vocabulary.has(joined) ||
        lexicon.slang.has(joined) ||
        lexicon.typos.has(joined)
        ? joined
        : run;
    });
  const pieces: string[] = [];
  let words: string[] = [];
  const flush = () => {
    if (words.length > 0) pieces.push(joinSplitWords(words, lexicon).join(' '));
    words = [];
  };
  for (const token of prepared.match(TOKEN) ?? []) {
    if (HAS_WORD_CHARACTER.test(token)) {
      // A single quote at a word's edge is a quotation mark ("'by the time'"), not an apostrophe.
      const opens = token.startsWith("'");
      const closes = token.endsWith("'") && !/s'$/.test(token);
      if (opens) {
        flush();
        pieces.push("'");
      }
      words.push(rewriteWord(opens || closes ? token.replace(/^'+|'+$/g, '') : token, lexicon));
      if (closes && token.length > 1) {
        flush();
        pieces.push("'");
      }
    } else {
      flush();
      pieces.push(token);
    }
  }
  flush();
  return pieces.join(' ');
}
