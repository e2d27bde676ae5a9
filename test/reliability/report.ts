import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@tta/test-utils';
import { formatFile, type ReliabilityResults, type TestSummary } from './results';

/** The document whose results section the full run rewrites. */
export const REPORT_FILE = path.join(REPO_ROOT, 'docs/RELIABILITY.md');
const START = '<!-- reliability-results:start -->';
const END = '<!-- reliability-results:end -->';

/** The tests of the suite, in the order the report shows them. */
export const TESTS = ['chaos', 'redis-restart', 'redis-down', 'poison', 'fuzz', 'soak'] as const;

/** A target of the issue, checked against a test's summary. */
interface Target {
  test: (typeof TESTS)[number];
  what: string;
  measured: (s: Summary) => string;
  met: (s: Summary) => boolean;
}

type Summary = TestSummary & Record<string, unknown>;
type Row = Record<string, unknown>;

const n = (value: unknown): number => Number(value ?? NaN);
const list = (value: unknown): Row[] => (Array.isArray(value) ? (value as Row[]) : []);
const obj = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
const text = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
const pairs = (value: unknown): string =>
  Object.entries(obj(value))
    .map(([k, v]) => `${k}: ${text(v)}`)
    .join(', ') || 'none';

const TARGETS: Target[] = [
  {
    test: 'chaos',
    what: 'no accepted task lost',
    measured: (s) => `${n(s.lost)} lost of ${n(s.accepted)}`,
    met: (s) => n(s.lost) === 0 && n(s.accepted) === n(s.tasks),
  },
  {
    test: 'chaos',
    what: 'no task completed twice',
    measured: (s) => `${n(s.completedTwice)} twice`,
    met: (s) => n(s.completedTwice) === 0 && n(s.completionsUnobserved) === 0,
  },
  {
    test: 'chaos',
    what: 'every other task dead-lettered with a reason',
    measured: (s) => `${n(s.deadLettered)} dead-lettered (${pairs(s.deadLetterReasons)})`,
    met: (s) => n(s.deadLetteredWithoutReason) === 0,
  },
  {
    test: 'redis-restart',
    what: 'every process reconnects by itself',
    measured: (s) =>
      `API ready ${list(s.restarts)
        .map((r) => `${n(r.apiReadyAfterMs)} ms`)
        .join(' / ')} after each restart; ${n(s.workersKept)} workers kept their pid`,
    met: (s) => s.apiAlive === true && s.supervisorAlive === true && n(s.workersKept) > 0,
  },
  {
    test: 'redis-restart',
    what: 'no accepted task lost, none completed twice',
    measured: (s) => `${n(s.lost)} lost, ${n(s.completedTwice)} twice, of ${n(s.accepted)}`,
    met: (s) => n(s.lost) === 0 && n(s.completedTwice) === 0,
  },
  {
    test: 'redis-down',
    what: 'API answers 503 at once (< 500 ms)',
    measured: (s) =>
      `p50 ${n(s.refusalMsP50)} ms, p99 ${n(s.refusalMsP99)} ms, max ${n(s.refusalMsMax)} ms`,
    met: (s) => n(s.refusalMsMax) < 500,
  },
  {
    test: 'redis-down',
    what: '/readyz fails, /healthz stays 200',
    measured: (s) => `readyz ${pairs(obj(s.statuses).ready)}; healthz ${pairs(s.healthz)}`,
    met: (s) =>
      Object.keys(obj(obj(s.statuses).ready)).join() === '503' &&
      Object.keys(obj(s.healthz)).join() === '200',
  },
  {
    test: 'redis-down',
    what: 'workers wait and resume',
    measured: (s) =>
      `${n(s.workersKept)} of ${n(s.workers)} workers kept; tasks done ${n(s.tasksCompletedAfterMs)} ms and a player turn ${n(s.turnCompletedAfterMs)} ms after Redis returned`,
    met: (s) => n(s.workersKept) === n(s.workers) && s.turnAfter === 'completed',
  },
  {
    test: 'poison',
    what: 'each poison task dead-lettered with its reason',
    measured: (s) => `${n(s.poisonDeadLettered)} of ${n(s.poisonTasks)}`,
    met: (s) => n(s.poisonDeadLettered) === n(s.poisonTasks),
  },
  {
    test: 'poison',
    what: 'the others keep their throughput (≥ 0.5 of the baseline)',
    measured: (s) =>
      `${n(s.throughputRatioFailing)} beside failing tasks, ${n(s.throughputRatioCrashing)} beside crashing ones (${n(s.baselineTasksPerSecond)} tasks/s without poison); ${n(s.normalDeadLettered)} normal tasks dead-lettered`,
    met: (s) => n(s.throughputRatioFailing) >= 0.5 && n(s.throughputRatioCrashing) >= 0.5,
  },
  {
    test: 'fuzz',
    what: 'no 5xx, nothing enqueued, process up',
    measured: (s) =>
      `${n(s.serverErrors)} 5xx, ${n(s.unanswered)} unanswered, ${n(s.newKeys)} new keys of ${n(s.requests)} requests`,
    met: (s) =>
      n(s.serverErrors) === 0 && n(s.newKeys) === 0 && s.apiAlive === true && n(s.timedOut) === 0,
  },
  {
    test: 'soak',
    what: 'Redis key count flat',
    measured: (s) =>
      `${n(s.keysFirstThird)} → ${n(s.keysLastThird)} keys (${n(s.keysSlopePerMinute)}/min)`,
    met: (s) => n(s.keysLastThird) <= n(s.keysFirstThird) * 1.2 + 50,
  },
  {
    test: 'soak',
    what: 'memory of the processes flat',
    measured: (s) =>
      `${n(s.rssMbFirstThird)} → ${n(s.rssMbLastThird)} MB RSS (${n(s.rssMbSlopePerMinute)} MB/min; ${n(s.rssMbSlopeLastThirdPerMinute)} MB/min over the last third)`,
    met: (s) => n(s.rssMbLastThird) <= n(s.rssMbFirstThird) * 1.2 + 20,
  },
];

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function details(name: string, s: Summary): string {
  const skip = new Set(['at', 'series', 'seriesColumns', 'restarts', 'byKind', 'lostIds']);
  const rows = Object.entries(s)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => [k, typeof v === 'object' ? `\`${text(v)}\`` : text(v)]);
  const restarts = list(s.restarts).map((r) => [
    String(r.stop),
    String(r.downMs),
    String(r.apiReadyAfterMs),
    String(r.firstAcceptedAfterMs),
    String(r.firstCompletedAfterMs),
  ]);
  return [
    `### ${name}`,
    '',
    `Run at ${String(s.at)}.`,
    '',
    table(['measure', 'value'], rows),
    ...series(s),
    ...(restarts.length > 0
      ? [
          '',
          table(
            [
              'stop',
              'down (ms)',
              'API ready after (ms)',
              'first accepted after (ms)',
              'first completed after (ms)',
            ],
            restarts,
          ),
        ]
      : []),
  ].join('\n');
}

/** The soak's samples, one row about every 30 s. */
function series(s: Summary): string[] {
  const columns = Array.isArray(s.seriesColumns) ? (s.seriesColumns as string[]) : [];
  const rows = Array.isArray(s.series) ? (s.series as unknown[][]) : [];
  if (columns.length === 0 || rows.length === 0) return [];
  const every = Math.max(1, Math.round(rows.length / 10));
  const picked = rows.filter((_row, i) => i % every === 0 || i === rows.length - 1);
  return [
    '',
    table(
      columns,
      picked.map((row) => row.map((cell) => text(cell))),
    ),
  ];
}

/** The generated part of the report: targets, then every number each test printed. */
export function renderResults(results: ReliabilityResults): string {
  const { machine, suite } = results;
  const run = suite
    ? `The full suite ran in **${(suite.wallMs / 60_000).toFixed(1)} min** (finished ${suite.finishedAt})`
    : 'The full suite has not run as a whole yet';
  const targets = TARGETS.map((t) => {
    const s = results.tests[t.test] as Summary | undefined;
    if (!s) return [t.test, t.what, 'not run', '–'];
    return [t.test, t.what, t.measured(s), t.met(s) ? 'met' : '**missed**'];
  });
  return [
    `_Generated by \`npm run test:reliability\` from \`test/reliability/results/latest.json\`; do not edit by hand._`,
    '',
    `${run} on ${machine.cpus} cores, Node ${machine.node} (${machine.platform}).`,
    '',
    table(['test', 'target', 'measured', 'result'], targets),
    '',
    ...TESTS.flatMap((name) => {
      const s = results.tests[name] as Summary | undefined;
      return s ? [details(name, s), ''] : [];
    }),
  ].join('\n');
}

/** Rewrites the results section of docs/RELIABILITY.md (between its markers). */
export function writeReliabilityReport(results: ReliabilityResults): void {
  const text = readFileSync(REPORT_FILE, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${REPORT_FILE}: no ${START} ... ${END} section`);
  const updated = `${text.slice(0, start + START.length)}\n\n${renderResults(results)}\n\n${text.slice(end)}`;
  writeFileSync(REPORT_FILE, updated);
  formatFile(REPORT_FILE);
}
