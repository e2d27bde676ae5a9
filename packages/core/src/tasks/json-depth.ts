/**
 * Most levels of objects and arrays the input of a task or a workflow run may nest. Deeper input
 * is refused (400): serializing it for Redis would overflow the stack, and no agent needs it.
 */
export const MAX_INPUT_DEPTH = 64;

/**
 * Whether `value` nests objects and arrays more than `maxDepth` levels deep (the value itself,
 * when an object or array, is level 1). Iterative, so that input of any depth is safe to check.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [current, depth] = next;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}
