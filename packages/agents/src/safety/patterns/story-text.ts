import type { DocumentQuery } from './document-query';

/** Verbs of finding or reading something: what follows them is a text of the story. */
const FOUND_OR_READ: ReadonlySet<string> = new Set([
  'read',
  'find',
  'found',
  'discover',
  'discovered',
  'open',
  'opened',
  'pick',
  'examine',
  'examined',
  'look',
  'see',
  'saw',
]);

/** "i found and read the suicide note in the lighthouse": a text the player found, not wrote. */
export function foundInStory(q: DocumentQuery, at: number): boolean {
  return q.saidBefore(at, FOUND_OR_READ);
}
