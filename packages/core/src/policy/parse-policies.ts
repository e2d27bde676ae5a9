import { createHash } from 'node:crypto';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { CapabilityCatalog } from '../capabilities/capability-catalog';
import { toError } from '../errors/to-error';
import {
  agentPolicySchema,
  DEFAULT_POLICY_NAME,
  POLICY_AGENT_TYPE,
  type AgentPolicy,
} from './policy-schema';

/**
 * Policies to check: file texts by file name (`<agent-type>.yaml`, `.yml` or `.json`; a
 * path works too, its base name counts), or policy objects by agent type.
 */
export type PolicySources =
  { files: Readonly<Record<string, string>> } | { policies: Readonly<Record<string, unknown>> };

/** Options of {@link parsePolicies}. */
export interface ParsePoliciesOptions {
  /**
   * When given, each file must name an agent type some capability of the catalog is served by,
   * and each rate limit must name a capability of that type. Default: no such checks.
   */
  catalog?: CapabilityCatalog;
}

/** The outcome of {@link parsePolicies}: the policies by agent type, or every problem found. */
export type ParsedPolicies =
  { ok: true; policies: Record<string, AgentPolicy> } | { ok: false; errors: string[] };

interface PolicyEntry {
  /** How errors name it: the file as given, or the agent type. */
  label: string;
  /** Agent type, or `default`. */
  name: string;
  raw: unknown;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Parses and validates policy sources. Every error is one line naming the file (or agent type)
 * and the field, e.g. `config/policies/narrative-generator.yaml: tools.search.timeoutMs: must be a positive integer`.
 */
export function parsePolicies(
  sources: PolicySources,
  options: ParsePoliciesOptions = {},
): ParsedPolicies {
  const errors: string[] = [];
  const entries =
    'files' in sources ? entriesOfFiles(sources.files, errors) : entriesOf(sources, errors);
  const policies: Record<string, AgentPolicy> = {};
  for (const entry of entries) {
    if (Object.hasOwn(policies, entry.name)) {
      errors.push(`${entry.label}: a policy for '${entry.name}' is defined twice`);
      continue;
    }
    const parsed = agentPolicySchema.safeParse(entry.raw ?? {});
    if (!parsed.success) {
      errors.push(...issueLines(entry.label, parsed.error));
      continue;
    }
    const problems = options.catalog ? catalogProblems(entry, parsed.data, options.catalog) : [];
    errors.push(...problems);
    if (problems.length === 0) policies[entry.name] = parsed.data;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, policies };
}

/** The version of a policy set: a hash of its canonical JSON, equal for equal policies. */
export function policyVersion(policies: Readonly<Record<string, AgentPolicy>>): string {
  return createHash('sha256').update(canonicalJson(policies)).digest('hex').slice(0, 16);
}

function entriesOfFiles(files: Readonly<Record<string, string>>, errors: string[]): PolicyEntry[] {
  const entries: PolicyEntry[] = [];
  for (const [file, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const extension = path.extname(file);
    const name = path.basename(file, extension);
    if (!EXTENSIONS.has(extension) || !POLICY_AGENT_TYPE.test(name)) {
      errors.push(`${file}: the file name must be <agent-type>.yaml, .yml or .json`);
      continue;
    }
    try {
      entries.push({
        label: file,
        name,
        raw: extension === '.json' ? JSON.parse(text) : parseYaml(text),
      });
    } catch (err) {
      errors.push(`${file}: ${toError(err).message.split('\n')[0] ?? 'unreadable'}`);
    }
  }
  return entries;
}

function entriesOf(
  sources: { policies: Readonly<Record<string, unknown>> },
  errors: string[],
): PolicyEntry[] {
  const entries: PolicyEntry[] = [];
  for (const [name, raw] of Object.entries(sources.policies).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    if (POLICY_AGENT_TYPE.test(name)) entries.push({ label: name, name, raw });
    else
      errors.push(`${name}: must be an agent type ([a-z][a-z0-9-]*) or '${DEFAULT_POLICY_NAME}'`);
  }
  return entries;
}

function issueLines(label: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return line(label, at, `unknown field(s): ${issue.keys.join(', ')}`);
    }
    if (issue.code === 'invalid_key') {
      return line(label, at, issue.issues[0]?.message ?? issue.message);
    }
    return line(label, at, issue.message);
  });
}

function line(label: string, at: string[], message: string): string {
  return at.length > 0 ? `${label}: ${at.join('.')}: ${message}` : `${label}: ${message}`;
}

function catalogProblems(
  entry: PolicyEntry,
  policy: AgentPolicy,
  catalog: CapabilityCatalog,
): string[] {
  const problems: string[] = [];
  const own = entry.name === DEFAULT_POLICY_NAME ? undefined : entry.name;
  if (own !== undefined && catalog.forAgentType(own).length === 0) {
    problems.push(`${entry.label}: no capability in the catalog is served by agent type '${own}'`);
  }
  for (const capability of Object.keys(policy.rateLimits)) {
    const where = `${entry.label}: rateLimits.${capability}`;
    if (!catalog.has(capability)) {
      problems.push(`${where}: '${capability}' is not in the capability catalog`);
    } else if (own !== undefined && catalog.get(capability).agentType !== own) {
      problems.push(
        `${where}: '${capability}' is served by '${catalog.get(capability).agentType}', not '${own}'`,
      );
    }
  }
  return problems;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value);
}
