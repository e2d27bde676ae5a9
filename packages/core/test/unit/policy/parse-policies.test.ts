import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CapabilityCatalog,
  DEFAULT_TOOL_CONCURRENCY,
  DEFAULT_TOOL_TIMEOUT_MS,
  loadConfig,
  parsePolicies,
  policyVersion,
} from '@tta/core';
import { readPolicyDir } from '../../../src/policy/read-policy-dir';

const REPO_POLICIES = path.resolve(__dirname, '../../../../../config/policies');
const catalog = new CapabilityCatalog(loadConfig({ env: {} }).capabilities);

/** The errors of one YAML file, without the file name they all start with. */
function errorsOf(text: string, file = 'narrative-generator.yaml'): string[] {
  const parsed = parsePolicies({ files: { [file]: text } }, { catalog });
  if (parsed.ok) throw new Error('expected errors, the policy was valid');
  for (const error of parsed.errors) expect(error.startsWith(`${file}: `)).toBe(true);
  return parsed.errors.map((error) => error.slice(file.length + 2));
}

describe('parsePolicies', () => {
  it('fills defaults: an empty file allows nothing', () => {
    const parsed = parsePolicies({ files: { 'default.yaml': '' } });
    expect(parsed).toEqual({
      ok: true,
      policies: {
        default: {
          tools: {},
          permissions: { network: 'none', filesystem: 'none', process: false },
          rateLimits: {},
          budgets: {},
        },
      },
    });
  });

  it('reads every section, YAML or JSON', () => {
    const yaml = [
      'tools:',
      '  time.now:',
      '  search.web: { timeoutMs: 2000, concurrency: 2 }',
      'permissions:',
      '  network: { allow: [api.example.com, "*.example.org"] }',
      '  filesystem: { read: [/srv/data] }',
      '  process: true',
      'rateLimits:',
      '  narrative.generate: { max: 5, durationMs: 1000 }',
      'budgets: { taskUsd: 0.05, sessionUsd: 2 }',
      'models: { allowedTiers: [fast, smart], fallbackTier: fast }',
    ].join('\n');
    const parsed = parsePolicies(
      {
        files: {
          'narrative-generator.yaml': yaml,
          'world-builder.json': JSON.stringify({ tools: { 'world.snapshot': {} } }),
        },
      },
      { catalog },
    );
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    expect(parsed.policies['narrative-generator']).toEqual({
      tools: {
        'time.now': { timeoutMs: DEFAULT_TOOL_TIMEOUT_MS, concurrency: DEFAULT_TOOL_CONCURRENCY },
        'search.web': { timeoutMs: 2000, concurrency: 2 },
      },
      permissions: {
        network: { allow: ['api.example.com', '*.example.org'] },
        filesystem: { read: ['/srv/data'], write: [] },
        process: true,
      },
      rateLimits: { 'narrative.generate': { max: 5, durationMs: 1000 } },
      budgets: { taskUsd: 0.05, sessionUsd: 2 },
      models: { allowedTiers: ['fast', 'smart'], fallbackTier: 'fast' },
    });
    expect(Object.keys(parsed.policies['world-builder']!.tools)).toEqual(['world.snapshot']);
  });

  it.each([
    ['tools:\n  search:\n    timeoutMs: -1', 'tools.search.timeoutMs: must be a positive integer'],
    ['tools:\n  search: { timeoutMs: 1.5 }', 'tools.search.timeoutMs: must be a positive integer'],
    [
      'tools:\n  search: { concurrency: "2" }',
      'tools.search.concurrency: must be a positive integer',
    ],
    ['tools:\n  search: { timeout: 5 }', 'tools.search: unknown field(s): timeout'],
    ['tools:\n  Search Web: {}', 'tools.Search Web: must be a tool name such as world.snapshot'],
    ['tools: [search]', 'tools: must be a map of tool name to { timeoutMs?, concurrency? }'],
    ['permissions: { network: all }', "permissions.network: must be 'none' or { allow: [hosts] }"],
    [
      'permissions: { network: { allow: [http://x] } }',
      'permissions.network.allow.0: must be a host name such as api.example.com',
    ],
    [
      'permissions: { filesystem: { read: [data] } }',
      'permissions.filesystem.read.0: must be an absolute path',
    ],
    ['permissions: { process: yes please }', 'permissions.process: must be true or false'],
    [
      'rateLimits: { narrative.generate: { max: 0, durationMs: 1000 } }',
      'rateLimits.narrative.generate.max: must be a positive integer',
    ],
    ['budgets: { taskUsd: -1 }', 'budgets.taskUsd: must not be negative'],
    [
      'models: { allowedTiers: [fast], fallbackTier: smart }',
      'models.fallbackTier: must be one of allowedTiers',
    ],
    ['toolz: {}', 'unknown field(s): toolz'],
    [
      '- a list',
      'must be a map of policy sections (tools, permissions, rateLimits, budgets, models)',
    ],
  ])('refuses %j: %s', (text, error) => {
    expect(errorsOf(text)).toEqual([error]);
  });

  it('reports every problem of every file', () => {
    const parsed = parsePolicies({
      files: {
        'a.yaml': 'tools: { x: { timeoutMs: 0 } }\nbudgets: { taskUsd: -2 }',
        'b.yaml': 'tools: {',
        'Bad Name.yaml': '',
        'c.txt': '',
      },
    });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      expect.stringMatching(/^b\.yaml: .*line 1, column 9/),
      'Bad Name.yaml: the file name must be <agent-type>.yaml, .yml or .json',
      'c.txt: the file name must be <agent-type>.yaml, .yml or .json',
      'a.yaml: tools.x.timeoutMs: must be a positive integer',
      'a.yaml: budgets.taskUsd: must not be negative',
    ]);
  });

  it('checks agent types and rate limits against the catalog', () => {
    expect(errorsOf('', 'narative-generator.yaml')).toEqual([
      "no capability in the catalog is served by agent type 'narative-generator'",
    ]);
    expect(errorsOf('rateLimits: { world.update: { max: 1, durationMs: 10 } }')).toEqual([
      "rateLimits.world.update: 'world.update' is served by 'world-builder', not 'narrative-generator'",
    ]);
    expect(
      errorsOf('rateLimits: { narrative.generat: { max: 1, durationMs: 10 } }', 'default.yaml'),
    ).toEqual([
      "rateLimits.narrative.generat: 'narrative.generat' is not in the capability catalog",
    ]);
  });

  it('takes policy objects by agent type, and refuses a type twice', () => {
    const parsed = parsePolicies({
      policies: {
        'world-builder': { tools: { 'world.snapshot': { timeoutMs: 'soon' } } },
        'x y': {},
      },
    });
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      "x y: must be an agent type ([a-z][a-z0-9-]*) or 'default'",
      'world-builder: tools.world.snapshot.timeoutMs: must be a positive integer',
    ]);
    const twice = parsePolicies({ files: { 'a.yaml': '', 'a.json': '{}' } });
    expect(twice.ok ? [] : twice.errors).toEqual(["a.yaml: a policy for 'a' is defined twice"]);
  });
});

describe('policyVersion', () => {
  it('is equal for equal policies, whatever the order of their keys', () => {
    const a = parsePolicies({
      files: { 'x.yaml': 'tools: { a: {}, b: {} }\nbudgets: { taskUsd: 1 }' },
    });
    const b = parsePolicies({
      files: { 'x.yaml': 'budgets: { taskUsd: 1 }\ntools: { b: {}, a: {} }' },
    });
    const c = parsePolicies({ files: { 'x.yaml': 'tools: { a: {} }' } });
    if (!a.ok || !b.ok || !c.ok) throw new Error('expected valid policies');
    expect(policyVersion(a.policies)).toBe(policyVersion(b.policies));
    expect(policyVersion(a.policies)).not.toBe(policyVersion(c.policies));
    expect(policyVersion(a.policies)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('readPolicyDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tta-policies-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the shipped policies: world.snapshot for the world builder, nothing by default', () => {
    const parsed = readPolicyDir(REPO_POLICIES, { catalog });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    expect(Object.keys(parsed.policies).sort()).toEqual([
      'default',
      'input-processor',
      'narrative-generator',
      'world-builder',
    ]);
    expect(parsed.policies['world-builder']?.tools).toEqual({
      'world.snapshot': { timeoutMs: 2000, concurrency: 32 },
    });
    expect(parsed.policies.default?.tools).toEqual({});
  });

  it('names the file with its directory, and ignores other files', () => {
    writeFileSync(
      path.join(dir, 'narrative-generator.yaml'),
      'tools:\n  search:\n    timeoutMs: 0\n',
    );
    writeFileSync(path.join(dir, 'README.md'), '# not a policy');
    const parsed = readPolicyDir(dir);
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      `${path.join(dir, 'narrative-generator.yaml')}: tools.search.timeoutMs: must be a positive integer`,
    ]);
  });

  it('reports a directory it cannot read', () => {
    const parsed = readPolicyDir(path.join(dir, 'missing'));
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      expect.stringContaining(`${path.join(dir, 'missing')}: cannot read the policy directory`),
    ]);
  });
});
