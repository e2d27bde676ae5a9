/** Contractions and chat spellings, expanded so that "don't", "dont" and "do not" read alike. */
const CONTRACTIONS: Readonly<Record<string, string>> = {
  "can't": 'cannot',
  cant: 'cannot',
  "won't": 'will not',
  wont: 'will not',
  "shan't": 'shall not',
  "ain't": 'am not',
  "i'm": 'i am',
  im: 'i am',
  ive: 'i have',
  dont: 'do not',
  doesnt: 'does not',
  didnt: 'did not',
  isnt: 'is not',
  arent: 'are not',
  wasnt: 'was not',
  werent: 'were not',
  havent: 'have not',
  hasnt: 'has not',
  hadnt: 'had not',
  wouldnt: 'would not',
  couldnt: 'could not',
  shouldnt: 'should not',
  youre: 'you are',
  theyre: 'they are',
  "it's": 'it is',
  "that's": 'that is',
  thats: 'that is',
  "what's": 'what is',
  whats: 'what is',
  "there's": 'there is',
  theres: 'there is',
  "here's": 'here is',
  "where's": 'where is',
  "who's": 'who is',
  "he's": 'he is',
  "she's": 'she is',
  "life's": 'life is',
  "everything's": 'everything is',
  "nothing's": 'nothing is',
  "let's": 'let us',
  lets: 'let us',
  wanna: 'want to',
  gonna: 'going to',
  gotta: 'got to',
  kinda: 'kind of',
  sorta: 'sort of',
};

const SUFFIXES: Readonly<Record<string, string>> = {
  re: 'are',
  ve: 'have',
  ll: 'will',
  m: 'am',
  d: 'would',
};

const APOSTROPHES = /[\u2018\u2019\u201b\u02bc\u0060\u00b4]/g;
/** Characters that end a sentence or a clause: they split the text into segments. */
const SEGMENT_BREAK = /[.!?;:,\n\u2026()"\u201c\u201d[\]]+/;

function expandWord(raw: string): string {
  const word = raw.replace(/^'+|'+$/g, '');
  const known = CONTRACTIONS[word];
  if (known !== undefined) return known;
  const negative = /^([a-z]+)n't$/.exec(word);
  if (negative?.[1] !== undefined) return `${negative[1]} not`;
  const suffixed = /^([a-z]+)'(re|ve|ll|m|d)$/.exec(word);
  if (suffixed?.[1] !== undefined && suffixed[2] !== undefined) {
    return `${suffixed[1]} ${SUFFIXES[suffixed[2]] ?? ''}`;
  }
  return word.replace(/'s$/, '').replace(/'/g, '');
}

function normalizeSegment(segment: string): string[] {
  const words = segment
    .replace(/[-_/\\]+/g, ' ')
    .replace(/[^a-z0-9'\s]+/g, ' ')
    .split(/\s+/)
    .filter((word) => word !== '')
    .flatMap((word) => expandWord(word).split(' '))
    .filter((word) => word !== '');
  // "can not" reads as "cannot", so that "not" alone always means a negation.
  const joined: string[] = [];
  for (const word of words) {
    if (word === 'not' && joined[joined.length - 1] === 'can') joined[joined.length - 1] = 'cannot';
    else joined.push(word);
  }
  return joined;
}

function prepare(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(APOSTROPHES, "'");
}

/**
 * Splits the player's text into segments at sentence and clause punctuation and normalises
 * each one into words: lowercase, apostrophes unified, contractions expanded ("don't" and
 * "dont" become "do not"), hyphens and other punctuation dropped. Empty segments are left out.
 */
export function normalizeSegments(text: string): string[][] {
  return prepare(text)
    .split(SEGMENT_BREAK)
    .map(normalizeSegment)
    .filter((words) => words.length > 0);
}

/** The player's text normalised into one line of words (see {@link normalizeSegments}). */
export function normalizeText(text: string): string {
  return normalizeSegments(text)
    .map((words) => words.join(' '))
    .join(' ');
}
