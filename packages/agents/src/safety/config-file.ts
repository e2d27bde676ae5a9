import { readFileSync } from 'node:fs';
import { ConfigError, toError, toFieldIssues } from '@tta/core';
import type { z } from 'zod';

/**
 * Reads and parses the JSON file at `filePath`, synchronously, as config is loaded at start.
 * Throws a `ConfigError` naming what the file is (`subject`) and the file when it cannot be
 * read or is not JSON.
 */
export function readJsonFile(subject: string, filePath: string): unknown {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (err) {
    throw new ConfigError(`${subject} ${filePath}: cannot read: ${toError(err).message}`, err);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(`${subject} ${filePath}: not JSON: ${toError(err).message}`, err);
  }
}

/**
 * The `ConfigError` of a file whose contents do not match their schema: one line naming what
 * the file is (`subject`), the file (`source`) and the first offending field.
 */
export function schemaConfigError(subject: string, source: string, error: z.ZodError): ConfigError {
  const issue = toFieldIssues(error)[0];
  const field = issue?.path || '(root)';
  return new ConfigError(
    `${subject} ${source}: invalid ${field}: ${issue?.message ?? 'invalid'}`,
    error,
  );
}
