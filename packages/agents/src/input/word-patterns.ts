/** A phrase as words, e.g. `['pick', 'up']`. */
export type WordPattern = readonly string[];

/** Splits each phrase into words and sorts them longest first, so the longest one matches. */
export function patterns(phrases: readonly string[]): WordPattern[] {
  return phrases.map((phrase) => phrase.split(' ')).sort((a, b) => b.length - a.length);
}

/** Whether `words` begin with `pattern`. */
export function startsWith(words: readonly string[], pattern: WordPattern): boolean {
  return pattern.length <= words.length && pattern.every((word, i) => words[i] === word);
}

/** Whether `words` end with `pattern`. */
export function endsWith(words: readonly string[], pattern: WordPattern): boolean {
  const offset = words.length - pattern.length;
  return offset >= 0 && pattern.every((word, i) => words[offset + i] === word);
}

/** The words after the longest of `prefixes` they begin with, or `undefined` if none. */
export function afterPrefix(
  words: readonly string[],
  prefixes: readonly WordPattern[],
): string[] | undefined {
  const prefix = prefixes.find((candidate) => startsWith(words, candidate));
  return prefix === undefined ? undefined : words.slice(prefix.length);
}

/** Removes any of `prefixes` from the start of `words`, again and again. */
export function stripLeading(words: readonly string[], prefixes: readonly WordPattern[]): string[] {
  let rest = [...words];
  for (;;) {
    const prefix = prefixes.find((candidate) => startsWith(rest, candidate));
    if (prefix === undefined || prefix.length === 0) return rest;
    rest = rest.slice(prefix.length);
  }
}

/** Removes any of `suffixes` from the end of `words`, again and again. */
export function stripTrailing(
  words: readonly string[],
  suffixes: readonly WordPattern[],
): string[] {
  let rest = [...words];
  for (;;) {
    const suffix = suffixes.find((candidate) => endsWith(rest, candidate));
    if (suffix === undefined || suffix.length === 0) return rest;
    rest = rest.slice(0, rest.length - suffix.length);
  }
}

/** Splits `words` at the first of `separators`: the words before it, the separator, the rest. */
export function splitAt(
  words: readonly string[],
  separators: readonly string[],
): { before: string[]; separator?: string; after: string[] } {
  const index = words.findIndex((word) => separators.includes(word));
  if (index < 0) return { before: [...words], after: [] };
  return { before: words.slice(0, index), separator: words[index], after: words.slice(index + 1) };
}
