import type { z } from 'zod';
import { ValidationError, type FieldIssue } from './validation-error';

/** Turns zod issues into field issues with dotted paths under `root`. */
export function toFieldIssues(error: z.ZodError, root = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [root, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.join(', ');
      return { path: path || root, message: `unknown field(s): ${keys}` };
    }
    return { path, message: issue.message };
  });
}

/** Parses `value` with `schema` or throws a {@link ValidationError} naming the field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  root = '',
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error, root));
  return parsed.data;
}
