/** `text` with its first letter in upper case: "the meadow" becomes "The meadow". */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
