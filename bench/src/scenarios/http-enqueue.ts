import path from 'node:path';
import autocannon from 'autocannon';
import { apiUrlOf, startApp, type AppProcess } from '../app-process';
import { deletePrefix, uniquePrefix } from '../bench-keys';
import { barChart } from '../charts/bar-chart';
import { benchPids, CpuMeter, type CpuUse } from '../cpu-meter';
import { nextMessage, spawnNode, type NodeChild } from '../node-child';
import { atLeast, fmt, info, type Scenario, type ScenarioContext } from '../scenario';
import { median, round } from '../stats';

const CAPABILITY = 'bench.noop';
/** Seconds of uncounted load on each server before the rounds. */
export const WARMUP_SECONDS = 3;
const SERVERS = ['baseline', 'api', 'apiNoLimit'] as const;
type Server = (typeof SERVERS)[number];
const LABELS: Record<Server, string> = {
  baseline: 'minimal express + BullMQ',
  api: 'API POST /v1/tasks',
  apiNoLimit: 'API, rate limit off',
};

/** What autocannon measured of one server in one round. */
export interface Round {
  /** CPU use of the server, Redis, the bench (autocannon) and the whole machine, in cores. */
  cpu: CpuUse;
  requestsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/**
 * HTTP enqueue: requests/s and latency of `POST /v1/tasks` of the real API under autocannon,
 * against a minimal express + BullMQ producer on the same Redis, in alternating rounds.
 */
export const httpEnqueueScenario: Scenario = {
  id: 'http-enqueue',
  title: 'HTTP enqueue: POST /v1/tasks vs a minimal express + BullMQ producer',
  async run(context) {
    const {
      httpConnections: connections,
      httpSeconds: seconds,
      httpRounds: rounds,
    } = context.settings;
    const prefixes: Record<Server, string> = {
      api: uniquePrefix('http-api'),
      apiNoLimit: uniquePrefix('http-api-nolimit'),
      baseline: uniquePrefix('http-base'),
    };
    const servers: Array<AppProcess | NodeChild> = [];
    try {
      const api = await startApi(context, prefixes.api, {});
      servers.push(api);
      const apiNoLimit = await startApi(context, prefixes.apiNoLimit, {
        TTA_RATE_LIMIT_ENABLED: 'false',
      });
      servers.push(apiNoLimit);
      const baseline = await startBaseline(context, prefixes.baseline);
      servers.push(baseline.child);
      const pids: Record<Server, number> = {
        api: api.pid,
        apiNoLimit: apiNoLimit.pid,
        baseline: baseline.child.pid,
      };
      const urls: Record<Server, string> = {
        api: apiUrlOf(api),
        apiNoLimit: apiUrlOf(apiNoLimit),
        baseline: baseline.url,
      };
      const load = (server: Server, s: number) =>
        cannon(urls[server], connections, s, {
          server: pids[server],
          ...benchPids(context.redisPid),
        });
      for (const server of SERVERS) await load(server, WARMUP_SECONDS);
      const measured: Record<Server, Round[]> = { api: [], apiNoLimit: [], baseline: [] };
      for (let r = 1; r <= rounds; r += 1) {
        // Alternating order: a drift of the machine's speed during a run favours none of them.
        for (const server of r % 2 === 1 ? SERVERS : [...SERVERS].reverse()) {
          const result = await load(server, seconds);
          measured[server].push(result);
          context.log(
            `  round ${r} ${LABELS[server].padEnd(25)} ${fmt(result.requestsPerSec)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`,
          );
        }
      }
      return report(measured, { connections, seconds, rounds });
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
      for (const prefix of Object.values(prefixes)) await deletePrefix(context.redis, prefix);
    }
  },
};

/** Starts the API on `prefix` with the bench's capability and `env` over the test config. */
export function startApi(
  context: ScenarioContext,
  prefix: string,
  env: NodeJS.ProcessEnv,
): Promise<AppProcess> {
  return startApp('api', {
    redisUrl: context.redisUrl,
    prefix,
    readyMessage: 'api listening',
    env: {
      TTA_CAPABILITIES: JSON.stringify({ [CAPABILITY]: { agentType: 'bench', attempts: 1 } }),
      ...env,
    },
  });
}

async function startBaseline(
  context: ScenarioContext,
  prefix: string,
): Promise<{ child: NodeChild; url: string }> {
  const child = spawnNode(path.join(__dirname, '../children/baseline-producer.js'), {
    args: [JSON.stringify({ redisUrl: context.redisUrl, prefix, capability: CAPABILITY })],
    ipc: true,
  });
  try {
    const port = await nextMessage(child, (m) => {
      const message = m as { type?: string; port?: number };
      return message.type === 'ready' ? message.port : undefined;
    });
    return { child, url: `http://127.0.0.1:${port}` };
  } catch (err) {
    await child.stop('SIGKILL');
    throw err;
  }
}

/** Posts a small task with `input` to `baseUrl` for `seconds` over `connections`. */
export async function cannon(
  baseUrl: string,
  connections: number,
  seconds: number,
  pids: Record<string, number>,
  input: Record<string, unknown> = { text: 'look around' },
): Promise<Round> {
  const meter = new CpuMeter(pids).start();
  const result = await autocannon({
    url: `${baseUrl}/v1/tasks`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'tta-dev-key' },
    body: JSON.stringify({ capability: CAPABILITY, input }),
    connections,
    duration: seconds,
  });
  return {
    cpu: meter.stop(),
    requestsPerSec: round(result['2xx'] / result.duration, 0),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function report(
  measured: Record<Server, Round[]>,
  settings: { connections: number; seconds: number; rounds: number },
) {
  const of = (server: Server) => ({
    requestsPerSec: median(measured[server].map((r) => r.requestsPerSec)),
    p50: median(measured[server].map((r) => r.p50)),
    p99: median(measured[server].map((r) => r.p99)),
    serverCores: median(measured[server].map((r) => r.cpu.processes.server ?? 0)),
    // CPU time the server spends per request: what the machine's noise changes least.
    cpuMicrosPerRequest: round(
      median(measured[server].map((r) => ((r.cpu.processes.server ?? 0) * 1e6) / r.requestsPerSec)),
      0,
    ),
    machineCores: median(measured[server].map((r) => r.cpu.machine)),
    non2xx: measured[server].reduce((n, r) => n + r.non2xx, 0),
    errors: measured[server].reduce((n, r) => n + r.errors, 0),
    perRound: measured[server],
  });
  const results = { api: of('api'), apiNoLimit: of('apiNoLimit'), baseline: of('baseline') };
  const bad = SERVERS.filter((s) => results[s].non2xx + results[s].errors > 0);
  if (bad.length > 0) {
    throw new Error(
      `http-enqueue: non-2xx answers or errors from ${bad.map((s) => `${LABELS[s]} (${results[s].non2xx}/${results[s].errors})`).join(', ')}`,
    );
  }
  // Each round's ratio compares runs a few seconds apart: their median holds on a noisy machine.
  const ratioOf = (server: Server) =>
    median(
      measured[server].map(
        (r, i) => r.requestsPerSec / (measured.baseline[i] as Round).requestsPerSec,
      ),
    );
  const ratio = ratioOf('api');
  const ratioNoLimit = ratioOf('apiNoLimit');
  const line = (server: Server) =>
    `${fmt(results[server].requestsPerSec)} req/s, p50 ${fmt(results[server].p50, 1)} ms, p99 ${fmt(results[server].p99, 1)} ms; server CPU ${fmt(results[server].serverCores, 2)} cores = ${fmt(results[server].cpuMicrosPerRequest)} µs a request; machine ${fmt(results[server].machineCores, 2)} of ${measured[server][0]?.cpu.cores ?? 0} cores`;
  return {
    data: {
      ...settings,
      ...results,
      ratio: round(ratio, 3),
      ratioRateLimitOff: round(ratioNoLimit, 3),
    },
    rows: [
      info(LABELS.baseline, line('baseline')),
      info(LABELS.api, line('api')),
      info(LABELS.apiNoLimit, line('apiNoLimit')),
      info('API, rate limit off / minimal producer', fmt(ratioNoLimit, 2)),
      atLeast('API / minimal producer (req/s, median of the rounds)', ratio, 0.8),
    ],
    charts: [
      barChart({
        name: 'http-enqueue-throughput',
        title: `HTTP enqueue, ${settings.connections} connections: requests/s (medians of ${settings.rounds} rounds)`,
        unit: 'req/s',
        categories: ['req/s'],
        series: SERVERS.map((s) => ({ name: LABELS[s], values: [results[s].requestsPerSec] })),
      }),
      barChart({
        name: 'http-enqueue-latency',
        title: `HTTP enqueue, ${settings.connections} connections: latency (medians of ${settings.rounds} rounds)`,
        unit: 'ms',
        categories: ['p50', 'p99'],
        series: SERVERS.map((s) => ({ name: LABELS[s], values: [results[s].p50, results[s].p99] })),
      }),
    ],
    method: `The real API (\`apps/api/dist/main.js\`, test config: the API key \`tta-dev-key\` checked on every request, the per-key rate limit on but raised out of the way so that its Redis counter still runs, request metrics, validation against the capability catalog, routing, \`POST /v1/tasks\`), the same API with the rate limit off, and a minimal producer (express, \`express.json()\`, one \`queue.add\`, 202; \`bench/src/children/baseline-producer.ts\`) run as child processes on the same Redis, each on its own key prefix, with no consumer. autocannon in the bench process posts the same small task body over ${settings.connections} keep-alive connections: ${WARMUP_SECONDS} s of warm-up each, then ${settings.rounds} rounds of ${settings.seconds} s, each round running the three in turn (order reversed every other round). The numbers are medians over the rounds, and the ratio is the median of the rounds' ratios (requests/s counts 2xx answers only; any other answer fails the scenario). CPU use in cores of the server under load and of the whole machine (autocannon, Redis and anything else included) comes from \`/proc\`.`,
  };
}
