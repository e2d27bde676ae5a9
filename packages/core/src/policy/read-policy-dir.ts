import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { toError } from '../errors/to-error';
import { parsePolicies, type ParsedPolicies, type ParsePoliciesOptions } from './parse-policies';

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads every `*.yaml`, `*.yml` and `*.json` file of a policy directory and parses them with
 * {@link parsePolicies}; other files are ignored. Errors name each file as the operator would
 * type it (relative to the working directory when under it).
 */
export function readPolicyDir(dir: string, options: ParsePoliciesOptions = {}): ParsedPolicies {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    return {
      ok: false,
      errors: [`${shownPath(dir)}: cannot read the policy directory: ${toError(err).message}`],
    };
  }
  const files: Record<string, string> = {};
  const errors: string[] = [];
  for (const entry of entries.filter((e) => EXTENSIONS.has(path.extname(e))).sort()) {
    const file = path.join(dir, entry);
    try {
      if (statSync(file).isFile()) files[shownPath(file)] = readFileSync(file, 'utf8');
    } catch (err) {
      errors.push(`${shownPath(file)}: ${toError(err).message}`);
    }
  }
  const parsed = parsePolicies({ files }, options);
  if (errors.length === 0) return parsed;
  return { ok: false, errors: [...errors, ...(parsed.ok ? [] : parsed.errors)] };
}

/** A path as operators type it: relative to the working directory when under it. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative)
    ? file
    : relative;
}
