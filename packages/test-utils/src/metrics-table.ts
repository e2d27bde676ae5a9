/** The processes that export metrics. */
export type MetricsProcess = 'api' | 'worker' | 'supervisor';

/** One row of the metrics table in `docs/METRICS.md`. */
export interface MetricsTableRow {
  /** The metric family's name, e.g. `tta_tasks_completed_total`. */
  name: string;
  /** `counter`, `gauge` or `histogram`. */
  type: string;
  /** Its label names, in table order (none for a metric without labels). */
  labels: string[];
  /** The processes that export it. */
  processes: MetricsProcess[];
}

const PROCESSES: readonly MetricsProcess[] = ['api', 'worker', 'supervisor'];

/**
 * The rows of the first table under the `## Metrics` heading of a markdown document, whose
 * columns are metric, type, labels, meaning and exported by. Throws when there is no such table
 * or a row does not read, so that a test fails rather than checking nothing.
 */
export function readMetricsTable(markdown: string): MetricsTableRow[] {
  const section = /^## Metrics\s*$([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown)?.[1];
  if (section === undefined) throw new Error('no "## Metrics" section');
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  const header = cells(lines[0] ?? '');
  const column = (name: string): number => {
    const at = header.findIndex((cell) => cell.toLowerCase().startsWith(name));
    if (at < 0) throw new Error(`metrics table: no '${name}' column in ${lines[0] ?? '(none)'}`);
    return at;
  };
  const at = {
    metric: column('metric'),
    type: column('type'),
    labels: column('labels'),
    processes: column('exported by'),
  };
  const rows = lines.slice(2).map((line) => rowOf(cells(line), at, line));
  if (rows.length === 0) throw new Error('metrics table: no rows');
  return rows;
}

function rowOf(
  row: string[],
  at: { metric: number; type: number; labels: number; processes: number },
  line: string,
): MetricsTableRow {
  const name = /^`(tta_[a-z0-9_]+)`$/.exec(row[at.metric] ?? '')?.[1];
  if (!name) throw new Error(`metrics table: no metric name in ${line}`);
  const processes = (row[at.processes] ?? '').split(/,\s*/).map((p) => p.trim());
  const unknown = processes.find((p) => !PROCESSES.includes(p as MetricsProcess));
  if (unknown !== undefined)
    throw new Error(`metrics table: unknown process '${unknown}' in ${line}`);
  return {
    name,
    type: (row[at.type] ?? '').trim(),
    labels: [...(row[at.labels] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1] as string),
    processes: processes as MetricsProcess[],
  };
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());
}
