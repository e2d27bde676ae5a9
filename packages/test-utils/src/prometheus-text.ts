/** One sample line of the Prometheus text format. */
export interface PrometheusSample {
  /** The sample's name: the family's, or with `_bucket`, `_sum`, `_count` for a histogram. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric family: its `# HELP`, `# TYPE` and samples. */
export interface MetricFamily {
  name: string;
  /** `counter`, `gauge`, `histogram`, `summary` or `untyped`. */
  type: string;
  help: string;
  samples: PrometheusSample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/g;

/**
 * Parses the Prometheus text exposition format (what a `/metrics` endpoint answers) into its
 * metric families by name. Throws on a line it cannot read, so a malformed answer fails a test.
 */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  let current: MetricFamily | undefined;
  const family = (name: string): MetricFamily => {
    const found = families.get(name) ?? { name, type: 'untyped', help: '', samples: [] };
    families.set(name, found);
    return found;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      current = family(meta[2] as string);
      if (meta[1] === 'TYPE') current.type = meta[3] ?? 'untyped';
      else current.help = meta[3] ?? '';
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line);
    const owner =
      current && (sample.name === current.name || sample.name.startsWith(`${current.name}_`))
        ? current
        : family(sample.name);
    owner.samples.push(sample);
  }
  return families;
}

function parseSample(line: string): PrometheusSample {
  const match = SAMPLE.exec(line);
  if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
  const labels: Record<string, string> = {};
  for (const [, key, raw] of (match[2] ?? '').matchAll(LABEL)) {
    labels[key as string] = (raw as string).replace(/\\(.)/g, (_m, c: string) =>
      c === 'n' ? '\n' : c,
    );
  }
  return { name: match[1] as string, labels, value: Number(match[3]) };
}
