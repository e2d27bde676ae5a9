/** An environment variable's comma-separated text as a list (trimmed, empty items dropped). */
export function commaList(value: unknown): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : value;
}

/**
 * An environment variable's JSON text as its value (empty text: an empty list); text that is not
 * JSON stays text, for the format's validation to refuse with its own message.
 */
export function jsonList(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return [];
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
