import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type AppConfig } from '@tta/core';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../../..');
const REDIS_SERVICE = 'redis';

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target?: number; published?: number | string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  init?: boolean;
  restart?: string;
  stop_grace_period?: string;
  volumes?: (string | { source?: string; target?: string })[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  image: string;
  name: string;
  instructions: Instruction[];
}

/** One COPY, with source and destination relative to the WORKDIR of their stages. */
interface Copy {
  from: string | undefined;
  sources: string[];
  targets: string[];
}

function readText(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8');
}

function readJson<T>(file: string): T {
  return JSON.parse(readText(file)) as T;
}

/** Parses a Dockerfile into stages of instructions, joining continued lines. */
function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', args = ''] = line.split(/\s+(.*)/s);
    const instruction = { keyword: keyword.toUpperCase(), args: args.trim() };
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      stages.push({
        image,
        name: as?.toUpperCase() === 'AS' && name ? name : '',
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

function words(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
}

function finalWorkdir(stage: Stage): string {
  return stage.instructions
    .filter((i) => i.keyword === 'WORKDIR')
    .reduce((dir, i) => path.posix.resolve(dir, i.args), '/');
}

/** Whether a COPY source names a file; the files this test looks for all have an extension. */
function isFile(source: string): boolean {
  return path.posix.extname(source) !== '';
}

/** The COPY instructions of a stage, up to `until` (an index into its instructions). */
function copiesOf(stage: Stage, stages: Stage[], until = stage.instructions.length): Copy[] {
  const copies: Copy[] = [];
  let workdir = '/';
  for (const instruction of stage.instructions.slice(0, until)) {
    if (instruction.keyword === 'WORKDIR') workdir = path.posix.resolve(workdir, instruction.args);
    if (instruction.keyword !== 'COPY') continue;
    const all = words(instruction.args);
    const from = all.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const paths = all.filter((w) => !w.startsWith('--'));
    const dest = paths.pop() ?? '';
    const source = stages.find((s) => s.name === from);
    const sourceDir = source ? finalWorkdir(source) : '/';
    const sources = paths.map((p) =>
      path.posix.relative(sourceDir, path.posix.resolve(sourceDir, p)),
    );
    const destDir = path.posix.resolve(workdir, dest);
    const intoDir = dest.endsWith('/') || paths.length > 1;
    // A directory's contents are copied into the destination; a file goes into it by name.
    const targets = sources.map((s) =>
      path.posix.relative(
        workdir,
        intoDir && isFile(s) ? path.posix.join(destDir, path.posix.basename(s)) : destDir,
      ),
    );
    copies.push({ from, sources, targets });
  }
  return copies;
}

function copiesPath(copies: Copy[], file: string, from?: string): boolean {
  return copies.some(
    (c) => c.from === from && c.sources.some((s, i) => s === file && c.targets[i] === file),
  );
}

function envOf(service: ComposeService): Record<string, string> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((line) => line.split(/=(.*)/s))
    : Object.entries(service.environment ?? {});
  return Object.fromEntries(
    entries.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, String(v)]),
  );
}

function commandOf(service: ComposeService): string[] {
  const { command = [] } = service;
  return Array.isArray(command) ? command : command.trim().split(/\s+/);
}

function healthcheckCommand(service: ComposeService): string[] {
  const test = service.healthcheck?.test ?? [];
  return Array.isArray(test) ? test : ['CMD-SHELL', test];
}

function healthcheckUrl(service: ComposeService): URL | undefined {
  const match = /https?:\/\/[^\s'"`)]+/.exec(healthcheckCommand(service).join(' '));
  return match ? new URL(match[0]) : undefined;
}

function containerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((p) =>
    typeof p === 'object' ? Number(p.target) : Number(String(p).split('/')[0]!.split(':').at(-1)),
  );
}

/** Milliseconds of a compose duration such as `30s`, `1m30s` or `500ms`. */
function durationMs(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)];
  if (parts.map((p) => p[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit!]!, 0);
}

const compose = parse(readText('docker-compose.yml'), { merge: true }) as ComposeFile;
const services = compose.services;
const stages = parseDockerfile(readText('Dockerfile'));
const runtime = stages.at(-1)!;
const runtimeCopies = copiesOf(runtime, stages);
const agentTypes = Object.keys(
  readJson<{ agents: Record<string, unknown> }>('config/default.json').agents,
);
const workerServices = agentTypes.map((type) => `worker-${type}`);
const nodeServices = ['api', 'supervisor', ...workerServices];
const workspaces = readJson<{ workspaces: string[] }>('package.json').workspaces;
const workspaceByName = new Map(
  workspaces.map((dir) => [readJson<{ name: string }>(`${dir}/package.json`).name, dir]),
);

/** The environment the container sees: the image's ENV lines, then the service's. */
function containerEnv(service: ComposeService): Record<string, string> {
  const imageEnv = runtime.instructions
    .filter((i) => i.keyword === 'ENV')
    .flatMap((i) => (/^\S+=/.test(i.args) ? i.args.split(/\s+/) : [i.args.replace(/\s+/, '=')]))
    .map((pair): [string, string] => {
      const [key = '', value = ''] = pair.split(/=(.*)/s);
      return [key, value.replace(/^"(.*)"$/, '$1')];
    });
  return { ...Object.fromEntries(imageEnv), ...envOf(service) };
}

/** The configuration a service's process would load. */
function configOf(service: ComposeService): AppConfig {
  return loadConfig({ configDir: path.join(ROOT, 'config'), env: containerEnv(service) });
}

/** The port a service serves its `/healthz` on, as its configuration says. */
function healthPort(name: string, config: AppConfig): number {
  if (name === 'api') return config.api.port;
  if (name === 'supervisor') return config.supervisor.diagnosticsPort;
  return config.worker.diagnosticsPort;
}

/** A workspace directory and those of the workspaces it depends on, transitively. */
function workspaceClosure(dir: string, seen = new Set<string>()): Set<string> {
  if (seen.has(dir)) return seen;
  seen.add(dir);
  const { dependencies = {} } = readJson<{ dependencies?: Record<string, string> }>(
    `${dir}/package.json`,
  );
  for (const name of Object.keys(dependencies)) {
    const dependency = workspaceByName.get(name);
    if (dependency) workspaceClosure(dependency, seen);
  }
  return seen;
}

describe('docker-compose.yml', () => {
  it('has redis, the api, the supervisor and one worker service per agent type', () => {
    expect(agentTypes.length).toBeGreaterThan(0);
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([REDIS_SERVICE, 'api', 'supervisor', ...workerServices]),
    );
    const strays = Object.keys(services).filter(
      (name) => name.startsWith('worker-') && !workerServices.includes(name),
    );
    expect(strays).toEqual([]);
  });

  it('runs redis append-only, without eviction, on a named volume, with a healthcheck', () => {
    const redis = services[REDIS_SERVICE]!;
    expect(redis.image).toMatch(/^redis:7/);
    const command = commandOf(redis);
    expect(command[command.indexOf('--appendonly') + 1]).toBe('yes');
    expect(command[command.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
    const data = (redis.volumes ?? []).map((v) =>
      typeof v === 'string' ? v.split(':') : [v.source, v.target],
    );
    const volume = data.find(([, target]) => target === '/data')?.[0];
    expect(volume).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    expect(healthcheckCommand(redis)).toEqual(expect.arrayContaining(['redis-cli', 'ping']));
  });

  describe.each(nodeServices)('%s', (name) => {
    const service = (): ComposeService => services[name] ?? {};

    it('is built from the repository Dockerfile like every node service', () => {
      const api = services.api!;
      expect(service().build).toBeDefined();
      expect(service().build).toEqual(api.build);
      expect(service().image).toEqual(api.image);
      const build = service().build;
      const context = typeof build === 'string' ? build : build?.context;
      expect(path.resolve(ROOT, context ?? '')).toBe(ROOT);
      expect(typeof build === 'string' ? 'Dockerfile' : (build?.dockerfile ?? 'Dockerfile')).toBe(
        'Dockerfile',
      );
    });

    it('loads a valid production config that points at the redis service', () => {
      const config = configOf(service());
      expect(envOf(service()).NODE_ENV).toBe('production');
      expect(config.env).toBe('production');
      const url = new URL(config.redis.url);
      expect(['redis:', 'rediss:']).toContain(url.protocol);
      expect(url.hostname).toBe(REDIS_SERVICE);
      expect(url.port === '' || url.port === '6379').toBe(true);
    });

    it('starts after redis is healthy, under an init process, and restarts', () => {
      const dependsOn = service().depends_on;
      expect(Array.isArray(dependsOn) ? undefined : dependsOn?.[REDIS_SERVICE]?.condition).toBe(
        'service_healthy',
      );
      expect(service().init).toBe(true);
      expect(service().restart).toBe('unless-stopped');
    });

    it('checks /healthz with node (the slim image has no curl) on the port it serves', () => {
      const [kind, program] = healthcheckCommand(service());
      expect(service().healthcheck?.disable).not.toBe(true);
      expect(kind).toBe('CMD');
      expect(program).toBe('node');
      const url = healthcheckUrl(service());
      expect(url?.pathname).toBe('/healthz');
      const port = healthPort(name, configOf(service()));
      expect(port).toBeGreaterThan(0);
      expect(Number(url?.port)).toBe(port);
    });
  });

  it('listens on every interface of its containers, the api answering its service name', () => {
    for (const name of Object.keys(compose.services).filter((n) => n !== 'redis')) {
      const config = configOf(compose.services[name]!);
      expect([name, config.diagnostics.host]).toEqual([name, '0.0.0.0']);
    }
    const api = configOf(compose.services.api!);
    expect(api.api.host).toBe('0.0.0.0');
    expect(api.api.allowedHosts).toContain('api');
  });

  it('publishes the api on 8080, the port it listens on', () => {
    const api = services.api!;
    expect(commandOf(api)).toEqual(['node', 'apps/api/dist/main.js']);
    expect(configOf(api).api.port).toBe(8080);
    expect(api.ports).toContain('8080:8080');
    expect(containerPorts(api)).toContain(configOf(api).api.port);
  });

  it('turns the supervisor local executor off: workers are services of their own', () => {
    const supervisor = services.supervisor!;
    expect(commandOf(supervisor)).toEqual(['node', 'apps/supervisor/dist/main.js']);
    expect(configOf(supervisor).supervisor.localExecutor).toBe(false);
  });

  describe.each(agentTypes)('worker-%s', (type) => {
    const service = (): ComposeService => services[`worker-${type}`] ?? {};

    it('runs a worker of its agent type', () => {
      const command = commandOf(service());
      expect(command.slice(0, 2)).toEqual(['node', 'apps/worker/dist/main.js']);
      expect(command[command.indexOf('--agent') + 1]).toBe(type);
    });

    it('gives the worker longer to stop than its shutdown grace', () => {
      const grace = configOf(service()).worker.shutdownGraceMs;
      expect(durationMs(service().stop_grace_period ?? '10s')).toBeGreaterThan(grace);
    });
  });
});

describe('Dockerfile', () => {
  const build = stages.find((s) => runtimeCopies.some((c) => c.from === s.name));
  const runs = (stage: Stage | undefined): string[] =>
    (stage?.instructions ?? []).filter((i) => i.keyword === 'RUN').map((i) => i.args);

  it('builds in one node:20-bookworm-slim stage and runs from another', () => {
    expect(build).toBeDefined();
    expect(build).not.toBe(runtime);
    expect(build?.image).toBe('node:20-bookworm-slim');
    expect(runtime.image).toBe('node:20-bookworm-slim');
    expect(runs(build).some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    expect(runs(build).some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    expect(runs(runtime).some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(runs(runtime).some((r) => /\bnpm run build\b/.test(r))).toBe(false);
  });

  it('runs as a non-root user, in production, the api by default', () => {
    const last = (keyword: string): string | undefined =>
      runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
    expect(last('USER')).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(last('USER'));
    expect(containerEnv({}).NODE_ENV).toBe('production');
    expect(words(last('CMD') ?? '')).toEqual(commandOf(services.api!));
  });

  it.each(stages.map((s) => [s.name, s] as const))(
    'stage %s copies every workspace manifest before npm ci',
    (_name, stage) => {
      const npmCi = stage.instructions.findIndex(
        (i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args),
      );
      expect(npmCi).toBeGreaterThan(0);
      const copies = copiesOf(stage, stages, npmCi);
      for (const file of ['package.json', 'package-lock.json']) {
        expect({ file, copied: copiesPath(copies, file) }).toEqual({ file, copied: true });
      }
      for (const dir of workspaces) {
        const file = `${dir}/package.json`;
        expect({ file, copied: copiesPath(copies, file) }).toEqual({ file, copied: true });
      }
    },
  );

  it('copies config/ into the runtime stage', () => {
    expect(copiesPath(runtimeCopies, 'config')).toBe(true);
  });

  it.each(nodeServices)(
    'ships what %s runs: its workspace dist and those of its dependencies',
    (name) => {
      const [program, script = ''] = commandOf(services[name] ?? {});
      expect(program).toBe('node');
      const dir = workspaces.find((ws) => script.startsWith(`${ws}/dist/`));
      expect({ script, workspace: dir }).toEqual({ script, workspace: expect.any(String) });
      for (const needed of workspaceClosure(dir!)) {
        const dist = `${needed}/dist`;
        expect({ dist, copied: copiesPath(runtimeCopies, dist, build?.name) }).toEqual({
          dist,
          copied: true,
        });
      }
    },
  );
});

describe('.dockerignore', () => {
  it('keeps host node_modules and build output out of the image', () => {
    const patterns = readText('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim());
    expect(patterns).toEqual(expect.arrayContaining(['**/node_modules', '**/dist']));
  });
});
