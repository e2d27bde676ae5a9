import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readMetricsTable, type MetricsTableRow } from '@tta/test-utils';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../../..');

const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

interface ComposeService {
  command?: string | string[];
  environment?: Record<string, string | number | null>;
  ports?: string[];
  volumes?: string[];
}

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  authorization?: { type?: string; credentials_file?: string };
  static_configs?: Array<{ targets: string[] }>;
  dns_sd_configs?: Array<{ names: string[]; type?: string; port: number }>;
}

interface Target {
  expr: string;
  datasource?: { uid?: string };
}

interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
}

interface Dashboard {
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: string }> };
}

function read(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8');
}

function readYaml<T>(file: string): T {
  return parse(read(file)) as T;
}

const compose = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');
const monitoring = readYaml<{ services: Record<string, ComposeService> }>(
  'deploy/docker-compose.monitoring.yml',
);
const prometheus = readYaml<{ scrape_configs: ScrapeConfig[] }>('deploy/prometheus/prometheus.yml');
const dashboard = JSON.parse(read('deploy/grafana/dashboards/tta.json')) as Dashboard;
const table = readMetricsTable(read('docs/METRICS.md'));

function env(service: string, name: string): string | undefined {
  const value = compose.services[service]?.environment?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** host:port of every node service as Prometheus should scrape it, from docker-compose.yml. */
function composeTargets(): string[] {
  const targets: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    const command = Array.isArray(service.command) ? service.command.join(' ') : '';
    if (command.includes('apps/api/')) targets.push(`${name}:${env(name, 'PORT') ?? '8080'}`);
    if (command.includes('apps/supervisor/')) {
      targets.push(`${name}:${env(name, 'TTA_SUPERVISOR_DIAGNOSTICS_PORT') ?? '9464'}`);
    }
    if (command.includes('apps/worker/')) {
      const port = env(name, 'TTA_WORKER_DIAGNOSTICS_PORT');
      if (port === undefined) throw new Error(`${name}: no diagnostics port in docker-compose.yml`);
      targets.push(`${name}:${port}`);
    }
  }
  return targets.sort();
}

function scrapeTargets(job: ScrapeConfig): string[] {
  return [
    ...(job.static_configs ?? []).flatMap((c) => c.targets),
    ...(job.dns_sd_configs ?? []).flatMap((c) => c.names.map((n) => `${n}:${c.port}`)),
  ];
}

/** Where a compose service mounts a host path (relative to the repository), or undefined. */
function mountOf(service: ComposeService, hostPath: string): string | undefined {
  for (const volume of service.volumes ?? []) {
    const [source = '', target] = volume.split(':');
    if (path.posix.normalize(source) === path.posix.normalize(`./${hostPath}`)) return target;
  }
  return undefined;
}

/** Every `tta_*` family a PromQL expression reads (histogram series named by their family). */
function metricsOf(expr: string, rows: MetricsTableRow[]): string[] {
  return [...expr.matchAll(/\btta_[a-z0-9_]+/g)].map(([name]) => {
    const family = name.replace(HISTOGRAM_SERIES, '');
    const histogram = rows.find((r) => r.name === family && r.type === 'histogram');
    return histogram ? family : name;
  });
}

const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

describe('deploy/prometheus/prometheus.yml', () => {
  it('scrapes exactly the api, the supervisor and every worker service of docker-compose.yml, on the ports they serve', () => {
    const scraped = prometheus.scrape_configs.flatMap(scrapeTargets).sort();
    expect(scraped).toEqual(composeTargets());
    expect(scraped.filter((t) => t.startsWith('worker-'))).toHaveLength(3);
  });

  it('scrapes each worker replica through DNS, so scaled services are all scraped', () => {
    const workers = prometheus.scrape_configs.find((j) => j.job_name === 'tta-worker');
    expect(workers?.dns_sd_configs?.[0]?.type).toBe('A');
    expect(workers?.static_configs).toBeUndefined();
  });

  it('presents the admin key to the API from a file the monitoring compose file mounts', () => {
    const api = prometheus.scrape_configs.find((j) => scrapeTargets(j).includes('api:8080'));
    expect(api?.metrics_path).toBe('/metrics');
    const file = api?.authorization?.credentials_file;
    expect(file).toMatch(/^\//);
    const service = monitoring.services.prometheus as ComposeService;
    expect(mountOf(service, 'deploy/prometheus/tta-admin-key')).toBe(file);
    expect(read('.gitignore')).toContain('deploy/prometheus/tta-admin-key');
    const config = mountOf(service, 'deploy/prometheus/prometheus.yml');
    expect(service.command).toContain(`--config.file=${config}`);
  });
});

describe('deploy/prometheus/rules', () => {
  const rules = readYaml<{
    groups: Array<{
      rules: Array<{ alert: string; expr: string; labels?: Record<string, string> }>;
    }>;
  }>('deploy/prometheus/rules/safety.yml').groups.flatMap((g) => g.rules);

  it('is loaded by prometheus.yml from where the monitoring compose file mounts it', () => {
    const { rule_files: files } = readYaml<{ rule_files?: string[] }>(
      'deploy/prometheus/prometheus.yml',
    );
    const mounted = mountOf(
      monitoring.services.prometheus as ComposeService,
      'deploy/prometheus/rules',
    );
    expect(mounted).toBeDefined();
    expect(files).toContain(`${mounted ?? ''}/*.yml`);
  });

  it('alerts on unacknowledged crisis events, on a screen that was unavailable and on dead-lettered webhooks, from metrics of the docs/METRICS.md table', () => {
    const exprOf = (alert: string) => rules.find((r) => r.alert === alert)?.expr ?? '';
    expect(exprOf('TtaSafetyCrisisUnacknowledged')).toMatch(
      /tta_safety_events_unacknowledged\{type="crisis"\}/,
    );
    expect(exprOf('TtaSafetyScreenUnavailable')).toMatch(
      /tta_safety_events_total\{type="screen_unavailable"\}/,
    );
    expect(exprOf('TtaSafetyWebhookDeliveriesDeadLettered')).toMatch(/dead_lettered/);
    const known = new Set(table.map((r) => r.name));
    const used = rules.flatMap((r) => metricsOf(r.expr, table));
    expect(used.filter((m) => !known.has(m))).toEqual([]);
    for (const rule of rules) expect(rule.labels?.severity).toBe('critical');
  });
});

describe('deploy/grafana', () => {
  it('provisions a Prometheus data source at the monitoring Prometheus', () => {
    const { datasources } = readYaml<{ datasources: Array<{ type: string; url: string }> }>(
      'deploy/grafana/provisioning/datasources/prometheus.yml',
    );
    expect(datasources).toHaveLength(1);
    expect(datasources[0]?.type).toBe('prometheus');
    const port = (monitoring.services.prometheus?.ports ?? [])[0]?.split(':').at(-1);
    expect(datasources[0]?.url).toBe(`http://prometheus:${port}`);
  });

  it('provisions the dashboards from where the monitoring compose file mounts them', () => {
    const { providers } = readYaml<{
      providers: Array<{ type: string; options: { path: string } }>;
    }>('deploy/grafana/provisioning/dashboards/tta.yml');
    const grafana = monitoring.services.grafana as ComposeService;
    expect(providers[0]?.type).toBe('file');
    expect(mountOf(grafana, 'deploy/grafana/dashboards')).toBe(providers[0]?.options.path);
    expect(mountOf(grafana, 'deploy/grafana/provisioning')).toBe('/etc/grafana/provisioning');
  });
});

describe('deploy/grafana/dashboards/tta.json', () => {
  it('is a Grafana dashboard of schema 39 or later with a Prometheus data source variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.uid).toMatch(/^[a-z0-9-]+$/);
    const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
    expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus' });
  });

  it('lays out panels with unique ids, each query on the data source variable', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos).toBeDefined();
      if (panel.type === 'row') continue;
      expect(panel.datasource?.uid).toBe('${datasource}');
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid).toBe('${datasource}');
        expect(target.expr.trim()).not.toBe('');
      }
    }
  });

  it('queries only metrics of the docs/METRICS.md table', () => {
    const known = new Set(table.map((r) => r.name));
    const used = exprs.flatMap((e) => metricsOf(e, table));
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((m) => !known.has(m))).toEqual([]);
  });

  it.each([
    ['throughput', /rate\(tta_tasks_completed_total/],
    ['failures', /rate\(tta_tasks_failed_total/],
    ['run time', /histogram_quantile\(.*tta_task_run_seconds_bucket/],
    ['wait time', /histogram_quantile\(.*tta_task_wait_seconds_bucket/],
    ['HTTP latency', /histogram_quantile\(.*tta_http_request_duration_seconds_bucket/],
    ['queue depth', /tta_queue_jobs/],
    ['live agents', /tta_agents_live/],
    ['capacity', /tta_agent_capacity/],
    ['heartbeat age', /tta_agent_heartbeat_age_seconds/],
    ['dead-lettered', /tta_tasks_dead_lettered_total/],
    ['cancelled', /tta_tasks_cancelled_total/],
    ['workflow runs', /tta_workflow_runs_total/],
    ['crises', /tta_safety_crisis_total/],
    ['cost', /tta_cost_usd_total/],
    ['tokens', /tta_tokens_total/],
  ])('has a panel for %s', (_what, pattern) => {
    expect(exprs.some((e) => pattern.test(e))).toBe(true);
  });
});
