import { z } from 'zod';
import { parseOrThrow, toFieldIssues, ValidationError } from '@tta/core';

const schema = z
  .object({
    name: z.string().min(1),
    scenes: z.array(z.object({ title: z.string(), length: z.number().default(1) }).strict()),
  })
  .strict();

function issuesOf(value: unknown, root?: string) {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected the value to be invalid');
  return toFieldIssues(parsed.error, root);
}

describe('toFieldIssues', () => {
  it('joins nested paths with dots, array indexes included', () => {
    expect(issuesOf({ name: 'a', scenes: [{ title: 'x' }, { title: 3 }] })).toEqual([
      { path: 'scenes.1.title', message: expect.any(String) },
    ]);
  });

  it('puts every path under the root', () => {
    expect(issuesOf({ name: '', scenes: [] }, 'tasks.4.input')).toEqual([
      { path: 'tasks.4.input.name', message: expect.any(String) },
    ]);
  });

  it('names unknown keys at the object that holds them', () => {
    expect(issuesOf({ name: 'a', scenes: [{ title: 'x', mood: 1, tone: 2 }] })).toEqual([
      { path: 'scenes.0', message: 'unknown field(s): mood, tone' },
    ]);
    expect(issuesOf({ name: 'a', scenes: [], extra: 1 }, 'body')).toEqual([
      { path: 'body', message: 'unknown field(s): extra' },
    ]);
  });

  it('reports every issue', () => {
    expect(issuesOf({ scenes: 'no' }).map((issue) => issue.path)).toEqual(['name', 'scenes']);
  });
});

describe('parseOrThrow', () => {
  it('returns the parsed value with defaults filled', () => {
    expect(parseOrThrow(schema, { name: 'a', scenes: [{ title: 'x' }] })).toEqual({
      name: 'a',
      scenes: [{ title: 'x', length: 1 }],
    });
  });

  it('throws a ValidationError whose message names the first field', () => {
    let error: unknown;
    try {
      parseOrThrow(schema, { name: 'a', scenes: [{ title: 1 }] }, 'story');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('invalid_input');
    expect((error as ValidationError).message).toMatch(/^invalid story\.scenes\.0\.title: /);
    expect((error as ValidationError).details).toEqual({
      issues: (error as ValidationError).issues,
    });
  });
});
