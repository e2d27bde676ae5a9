import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  closeRedis,
  createLogger,
  createRedisConnection,
  findRedisServer,
  startLocalRedis,
  toError,
  waitForReady,
  type LocalRedis,
} from '@tta/core';
import { readBenchSettings, type BenchSettings } from './bench-settings';
import type { RunResult, ScenarioResult } from './report/benchmarks-doc';
import { machineInfo } from './report/machine-info';
import { reportPaths, writeReport } from './report/write-report';
import { CpuMeter } from './cpu-meter';
import { setChildExecArgv } from './node-child';
import type { Chart, Scenario, ScenarioContext } from './scenario';
import { concurrencyScenario } from './scenarios/concurrency';
import { coordinationScenario } from './scenarios/coordination';
import { encryptionScenario } from './scenarios/encryption';
import { failoverScenario } from './scenarios/failover';
import { httpEnqueueScenario } from './scenarios/http-enqueue';
import { memoryScenario } from './scenarios/memory';
import { playerTurnScenario } from './scenarios/player-turn';
import { safetyScreenScenario } from './scenarios/safety-screen';
import { throughputScenario } from './scenarios/throughput';

/** Every scenario, in the order a run takes them. */
const SCENARIOS: Scenario[] = [
  throughputScenario,
  httpEnqueueScenario,
  encryptionScenario,
  coordinationScenario,
  concurrencyScenario,
  failoverScenario,
  playerTurnScenario,
  safetyScreenScenario,
  memoryScenario,
];

const ROOT = path.resolve(__dirname, '../..');

function selected(settings: BenchSettings): Scenario[] {
  if (settings.only.length === 0) return SCENARIOS;
  const unknown = settings.only.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_ONLY: unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`,
    );
  }
  return SCENARIOS.filter((s) => settings.only.includes(s.id));
}

// The command as a reader would type it again, with the BENCH_* variables that were set.
function command(): string {
  const vars = Object.entries(process.env)
    .filter(([key]) => key.startsWith('BENCH_') && key !== 'BENCH_REDIS_URL')
    .map(([key, value]) => `${key}=${value ?? ''}`)
    .sort();
  return [...vars, 'npm run bench'].join(' ');
}

/** A private Redis for the run unless one is given: no other clients, no persistence. */
async function openRedis(
  settings: BenchSettings,
): Promise<{ url: string; local?: LocalRedis; dir?: string }> {
  if (settings.redisUrl) return { url: settings.redisUrl };
  if (!findRedisServer()) {
    console.log(
      'no redis-server on PATH: using redis://127.0.0.1:6379 (set BENCH_REDIS_URL to choose)',
    );
    return { url: 'redis://127.0.0.1:6379' };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tta-bench-redis-'));
  const local = await startLocalRedis({ dataDir: dir, appendOnly: false });
  return { url: local.url, local, dir };
}

async function runScenario(
  scenario: Scenario,
  context: ScenarioContext,
  charts: Chart[],
): Promise<ScenarioResult> {
  const t0 = performance.now();
  const meter = new CpuMeter({}).start();
  context.log(`\n${scenario.id}: ${scenario.title}`);
  try {
    const report = await scenario.run(context);
    const machineBusyCores = meter.stop().machine;
    charts.push(...report.charts);
    for (const row of report.rows) {
      const verdict =
        row.met === undefined
          ? ''
          : row.met
            ? `  [met: ${row.target}]`
            : `  [MISSED: ${row.target}, ${row.missedBy}]`;
      context.log(`  = ${row.metric}: ${row.measured}${verdict}`);
    }
    return {
      title: scenario.title,
      rows: report.rows,
      method: report.method,
      charts: report.charts.map((c) => [c.name, c.title]),
      seconds: Math.round((performance.now() - t0) / 1000),
      machineBusyCores,
      data: report.data,
    };
  } catch (err) {
    const error = toError(err);
    context.log(`  FAILED: ${error.stack ?? error.message}`);
    return {
      title: scenario.title,
      rows: [],
      method: '',
      charts: [],
      seconds: Math.round((performance.now() - t0) / 1000),
      machineBusyCores: meter.stop().machine,
      data: {},
      error: error.message,
    };
  }
}

function logQuiet(busy: number, cores: number): void {
  console.log(
    `bench: the machine was busy ${busy.toFixed(2)} of ${cores} cores in the 2 s before the run`,
  );
}

async function main(): Promise<void> {
  const started = new Date();
  const t0 = performance.now();
  const settings = readBenchSettings();
  const scenarios = selected(settings);
  if (settings.profileDir) {
    setChildExecArgv(['--cpu-prof', `--cpu-prof-dir=${path.resolve(settings.profileDir)}`]);
  }
  const redisServer = await openRedis(settings);
  const redis = createRedisConnection({ url: redisServer.url, role: 'worker', name: 'tta-bench' });
  const charts: Chart[] = [];
  const results: Record<string, ScenarioResult> = {};
  let failed = false;
  try {
    if (!(await waitForReady(redis, 5000))) throw new Error(`no Redis at ${redisServer.url}`);
    const machine = await machineInfo(redis);
    logQuiet(machine.busyCoresBefore, machine.cpus);
    console.log(
      `bench: ${machine.cpus} × ${machine.model}, Node ${machine.node}, Redis ${machine.redis}${redisServer.local ? ' (private)' : ''}`,
    );
    const context: ScenarioContext = {
      settings,
      redisUrl: redisServer.url,
      ...(redisServer.local && { redisPid: redisServer.local.pid }),
      redis,
      logger: createLogger({ level: 'error' }),
      log: (line) => console.log(line),
    };
    for (const scenario of scenarios) {
      results[scenario.id] = await runScenario(scenario, context, charts);
      failed ||= results[scenario.id]?.error !== undefined;
    }
    const { redisUrl: _redisUrl, ...shownSettings } = settings;
    const run: RunResult = {
      date: started.toISOString(),
      command: command(),
      wallSeconds: Math.round((performance.now() - t0) / 1000),
      machine,
      privateRedis: redisServer.local !== undefined,
      settings: shownSettings,
      scenarios: results,
    };
    console.log(`\nbench: done in ${run.wallSeconds} s`);
    if (settings.write) {
      await writeReport(run, charts, reportPaths(ROOT));
      console.log('written bench/results/latest.json, docs/BENCHMARKS.md, docs/bench/*.svg');
    } else {
      console.log('partial run (BENCH_ONLY): nothing written; BENCH_WRITE=1 writes anyway');
    }
  } finally {
    await closeRedis(redis);
    await redisServer.local?.stop();
    if (redisServer.dir) rmSync(redisServer.dir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
