import { readFileSync } from 'node:fs';
import path from 'node:path';
import { autoscaledAgentTypes, loadConfig } from '@tta/core';
import { parse, parseAllDocuments } from 'yaml';

const DIR = path.resolve(__dirname, '../../../deploy/k8s');

interface EnvVar {
  name: string;
  value?: string;
}

interface Container {
  name: string;
  command?: string[];
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
}

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    selector?: { matchLabels: Record<string, string> };
    template?: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: { containers: Container[]; terminationGracePeriodSeconds?: number };
    };
    scaleTargetRef?: { name: string };
    minReplicaCount?: number;
    maxReplicaCount?: number;
    triggers?: Array<{ type: string; metadata: Record<string, string> }>;
  };
}

function load(file: string): Manifest[] {
  const text = readFileSync(path.join(DIR, file), 'utf8');
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
    return doc.toJS() as Manifest;
  });
}

const kustomization = parse(readFileSync(path.join(DIR, 'kustomization.yaml'), 'utf8')) as {
  resources: string[];
};
const manifests = kustomization.resources.flatMap(load);
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const deployment = (name: string) => byKind('Deployment').find((d) => d.metadata.name === name);
const container = (m: Manifest | undefined) => m?.spec?.template?.spec.containers[0];
const envOf = (c: Container | undefined) =>
  Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]));

const configMap = byKind('ConfigMap').find((m) => m.metadata.name === 'tta-config');
const config = loadConfig({ env: { ...configMap?.data, NODE_ENV: 'test' } });
const bounds = autoscaledAgentTypes(config.agents);

describe('deploy/k8s', () => {
  it('lists only files that exist and parse', () => {
    expect(kustomization.resources.length).toBeGreaterThanOrEqual(5);
    for (const m of manifests) expect(m.metadata.name).toMatch(/^tta-/);
  });

  it('has a Deployment per agent type running the worker for that type', () => {
    expect(Object.keys(bounds).sort()).toEqual(Object.keys(config.agents).sort());
    for (const type of Object.keys(bounds)) {
      const d = deployment(`tta-worker-${type}`);
      const c = container(d);
      expect(c?.command).toEqual(['node', 'apps/worker/dist/main.js', '--agent', type]);
      const selector = { 'app.kubernetes.io/name': `tta-worker-${type}` };
      expect(d?.spec?.selector?.matchLabels).toEqual(selector);
      expect(d?.spec?.template?.metadata.labels).toMatchObject(selector);
      expect(envOf(c).TTA_WORKER_DIAGNOSTICS_PORT).toBe('9465');
      expect(c?.readinessProbe?.httpGet?.path).toBe('/healthz');
      // Longer than the worker's shutdown grace, so a drained pod is not killed mid-job.
      const grace = d?.spec?.template?.spec.terminationGracePeriodSeconds ?? 30;
      expect(grace * 1000).toBeGreaterThan(config.worker.shutdownGraceMs);
    }
  });

  it('scales each worker Deployment with a KEDA ScaledObject on the supervisor’s decision', () => {
    const scaled = byKind('ScaledObject');
    expect(scaled).toHaveLength(Object.keys(bounds).length);
    for (const [type, b] of Object.entries(bounds)) {
      const so = scaled.find((s) => s.spec?.scaleTargetRef?.name === `tta-worker-${type}`);
      expect(so?.apiVersion).toBe('keda.sh/v1alpha1');
      expect(deployment(so?.spec?.scaleTargetRef?.name ?? '')).toBeDefined();
      // The same bounds as the supervisor's autoscaler, so the two never disagree.
      expect([so?.spec?.minReplicaCount, so?.spec?.maxReplicaCount]).toEqual([
        b.minReplicas,
        b.maxReplicas,
      ]);
      const trigger = so?.spec?.triggers?.[0];
      expect(trigger?.type).toBe('prometheus');
      expect(trigger?.metadata.query).toBe(
        `max(tta_autoscaler_desired_replicas{agent_type="${type}"})`,
      );
      expect(trigger?.metadata.threshold).toBe('1');
    }
  });

  it('runs the supervisor with the external executor and its metrics scraped', () => {
    const d = deployment('tta-supervisor');
    const env = envOf(container(d));
    const supervisorConfig = loadConfig({ env: { ...configMap?.data, ...env, NODE_ENV: 'test' } });
    expect(supervisorConfig.supervisor.localExecutor).toBe(false);
    expect(supervisorConfig.autoscaler).toMatchObject({ enabled: true, executor: 'external' });
    expect(d?.spec?.template?.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(supervisorConfig.supervisor.diagnosticsPort),
    });
  });

  it('keeps secrets out of the manifests: every process reads them from the tta-secrets Secret', () => {
    for (const d of byKind('Deployment')) {
      const c = container(d);
      expect(c?.envFrom).toContainEqual({ secretRef: { name: 'tta-secrets' } });
      expect(Object.keys(envOf(c))).not.toContain('REDIS_URL');
      expect(Object.keys(envOf(c))).not.toContain('TTA_API_KEYS');
    }
    expect(Object.keys(configMap?.data ?? {})).not.toContain('REDIS_URL');
  });

  it('listens on every interface of the pod, the API answering its Service names', () => {
    expect(config.api.host).toBe('0.0.0.0');
    expect(config.diagnostics.host).toBe('0.0.0.0');
    expect(config.api.allowedHosts).toEqual(
      expect.arrayContaining(['tta-api', 'tta-api.tta.svc.cluster.local']),
    );
    // Clients come through the Service and the Ingress, sharing their addresses.
    expect(config.api.maxConnectionsPerAddress).toBe(0);
  });

  it('serves the API behind a Service with readiness on /readyz, whatever Redis memory', () => {
    const c = container(deployment('tta-api'));
    expect(c?.command).toEqual(['node', 'apps/api/dist/main.js']);
    // Ready while Redis is short of memory too: cancels and crisis turns must reach the API.
    expect(c?.readinessProbe?.httpGet?.path).toBe('/readyz?capacity=ignore');
    const service = byKind('Service').find((s) => s.metadata.name === 'tta-api');
    expect(service).toBeDefined();
  });
});
