/** The line before the generated part of `docs/SAFETY.md`. */
export const SAFETY_EVAL_START = '<!-- safety-eval:start -->';
/** The line after it. */
export const SAFETY_EVAL_END = '<!-- safety-eval:end -->';

/** `docs/SAFETY.md` as first written: a heading, a line on where it comes from, the markers. */
export const NEW_SAFETY_DOC = `# Safety screen

How the crisis screen of the input processor does on the labelled corpus in \`eval/safety/\`.
The part between the markers is written by \`npm run eval:safety\`.

${SAFETY_EVAL_START}
${SAFETY_EVAL_END}
`;

/**
 * `doc` with the lines between the markers replaced by `section`. Throws when the markers are
 * missing or out of order, rather than append a second copy.
 */
export function replaceGeneratedSection(doc: string, section: string): string {
  const start = doc.indexOf(SAFETY_EVAL_START);
  const end = doc.indexOf(SAFETY_EVAL_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`markers ${SAFETY_EVAL_START} and ${SAFETY_EVAL_END} not found in order`);
  }
  const before = doc.slice(0, start + SAFETY_EVAL_START.length);
  return `${before}\n\n${section.trim()}\n\n${doc.slice(end)}`;
}
