import { TtaClient } from '@tta/client';
import { API_OPERATIONS } from '@tta/contracts';

// The TtaClient method of each documented operation: a route added to the API (and so to its
// OpenAPI document) fails this test until the client can call it.
const CLIENT_METHODS: Readonly<Record<string, keyof TtaClient>> = {
  enqueueTask: 'enqueue',
  enqueueTasks: 'enqueueBatch',
  getTask: 'task',
  cancelTask: 'cancel',
  streamTaskEvents: 'taskEvents',
  listDeadLetters: 'deadLetters',
  retryDeadLetter: 'retryDeadLetter',
  deleteDeadLetter: 'deleteDeadLetter',
  listWorkflows: 'workflows',
  startWorkflowRun: 'startRun',
  getWorkflowRun: 'run',
  cancelWorkflowRun: 'cancelRun',
  streamWorkflowRunEvents: 'runEvents',
  listAgents: 'agents',
  getAgent: 'agent',
  drainAgent: 'drainAgent',
  listCapabilities: 'capabilities',
  previewRouting: 'routingPreview',
  getDiagnostics: 'diagnostics',
  getPolicy: 'policy',
  getPolicyStatus: 'policyStatus',
  validatePolicy: 'validatePolicy',
  reloadPolicy: 'reloadPolicy',
  getCosts: 'costs',
  getScaling: 'scaling',
  listSafetyEvents: 'safetyEvents',
  streamSafetyEvents: 'safetyEventStream',
  getSafetyEvent: 'safetyEvent',
  acknowledgeSafetyEvent: 'acknowledgeSafetyEvent',
  resolveSafetyEvent: 'resolveSafetyEvent',
  exportSafetyAudit: 'safetyAudit',
  getHealth: 'health',
  getReadiness: 'ready',
  getOpenApiDocument: 'openApi',
};

// Prometheus scrapes this one; a client of the API has no use for it.
const NOT_IN_CLIENT = new Set(['getMetrics']);

describe('TtaClient', () => {
  it('has a method for every operation of the OpenAPI document', () => {
    const documented = API_OPERATIONS.map((op) => op.operationId).filter(
      (id) => !NOT_IN_CLIENT.has(id),
    );
    expect(documented.filter((id) => !(id in CLIENT_METHODS))).toEqual([]);
    expect(
      Object.keys(CLIENT_METHODS).filter((id) => !(documented as string[]).includes(id)),
    ).toEqual([]);
    for (const method of Object.values(CLIENT_METHODS)) {
      expect(typeof TtaClient.prototype[method]).toBe('function');
    }
  });
});
