import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { CapabilityCatalog } from '../capabilities/capability-catalog';
import { ConfigError } from '../errors/config-error';
import { toError } from '../errors/to-error';
import { checkWorkflow, type WorkflowProblem } from './check-workflow';
import { WORKFLOW_NAME, workflowFileSchema } from './workflow-schema';
import type { WorkflowDefinition } from './workflow-types';

/** Options of {@link loadWorkflows}. */
export interface LoadWorkflowsOptions {
  /** Directory of the definition files (`*.yaml`, `*.yml`, `*.json`); config `workflows.dir`. */
  dir: string;
  /** The capability catalog every step's capability must be in. */
  catalog: CapabilityCatalog;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads, validates and cross-checks every workflow definition in `dir`; a workflow's name is
 * its file's name without extension. Throws {@link ConfigError} with one line naming the file,
 * the stage or step and the field, e.g.
 * `config/workflows/player-turn.yaml: stages[1].steps[0] (world): capability 'world.updat' is not in the catalog`.
 */
export function loadWorkflows(
  options: LoadWorkflowsOptions,
): ReadonlyMap<string, WorkflowDefinition> {
  const files = definitionFiles(options.dir);
  const workflows = new Map<string, WorkflowDefinition>();
  for (const file of files) {
    const name = path.basename(file, path.extname(file));
    if (!WORKFLOW_NAME.test(name)) {
      throw new ConfigError(
        `${shown(file)}: the file name must match [a-z][a-z0-9-]*.<yaml|yml|json>`,
      );
    }
    if (workflows.has(name)) {
      throw new ConfigError(`${shown(file)}: a workflow named '${name}' is defined twice`);
    }
    workflows.set(name, loadWorkflowFile(file, name, options.catalog));
  }
  return workflows;
}

function definitionFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    throw new ConfigError(
      `${shown(dir)}: cannot read the workflows directory: ${toError(err).message}`,
      err,
    );
  }
  return entries
    .filter((entry) => EXTENSIONS.has(path.extname(entry)))
    .map((entry) => path.join(dir, entry))
    .filter((file) => statSync(file).isFile())
    .sort();
}

function loadWorkflowFile(
  file: string,
  name: string,
  catalog: CapabilityCatalog,
): WorkflowDefinition {
  const raw = readDefinition(file);
  const parsed = workflowFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const issuePath = (issue?.path ?? []).map((p) => (typeof p === 'number' ? p : String(p)));
    throw new ConfigError(
      describe(file, raw, { path: issuePath, message: issue?.message ?? 'invalid' }),
    );
  }
  const definition: WorkflowDefinition = { name, ...parsed.data };
  const problem = checkWorkflow(definition, catalog);
  if (problem) throw new ConfigError(describe(file, raw, problem));
  return definition;
}

function readDefinition(file: string): unknown {
  try {
    const text = readFileSync(file, 'utf8');
    return path.extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const firstLine = toError(err).message.split('\n')[0] ?? 'unreadable';
    throw new ConfigError(`${shown(file)}: ${firstLine}`, err);
  }
}

// `<file>: stages[1].steps[0] (world): input.text: <message>`; the stage or step is labelled by
// its name or id, as the file has it.
function describe(file: string, raw: unknown, problem: WorkflowProblem): string {
  const [where, rest] = locate(raw, problem.path);
  const field = rest.length > 0 ? `${rest.join('.')}: ` : '';
  return `${shown(file)}: ${where ? `${where}: ` : ''}${field}${problem.message}`;
}

function locate(raw: unknown, at: Array<string | number>): [string, Array<string | number>] {
  const [stages, s, steps, i] = at;
  if (stages !== 'stages' || typeof s !== 'number') return ['', at];
  const stage = member(member(raw, 'stages'), s);
  if (steps !== 'steps' || typeof i !== 'number') {
    return [labelled(`stages[${s}]`, member(stage, 'name')), at.slice(2)];
  }
  const step = member(member(stage, 'steps'), i);
  return [labelled(`stages[${s}].steps[${i}]`, member(step, 'id')), at.slice(4)];
}

function labelled(where: string, label: unknown): string {
  return typeof label === 'string' ? `${where} (${label})` : where;
}

function member(value: unknown, key: string | number): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as Record<string | number, unknown>)[key];
}

// Paths under the working directory are shown relative to it, as operators type them.
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
