import { TtaClient } from '@tta/client';
import { API_OPERATIONS } from '@tta/contracts';

// The dedicated TtaClient method of an operation. Any other JSON operation of the contract is
// called with `TtaClient.call(method, path, ...)`, typed by the contract, so a new endpoint is
// usable from the client without a change here; an operation removed from the contract fails
// this test until its method goes too.
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

describe('TtaClient', () => {
  it('names a dedicated method only for operations of the contract, and each exists', () => {
    const ids: readonly string[] = API_OPERATIONS.map((op) => op.operationId);
    expect(Object.keys(CLIENT_METHODS).filter((id) => !ids.includes(id))).toEqual([]);
    for (const method of Object.values(CLIENT_METHODS)) {
      expect(typeof TtaClient.prototype[method]).toBe('function');
    }
  });

  it('calls every JSON operation, dedicated method or not, through call() typed by the contract', () => {
    expect(typeof TtaClient.prototype.call).toBe('function');
    // Operations without a JSON answer need their own method (streams, metrics, the audit).
    const streaming = API_OPERATIONS.filter(
      (op) => 'contentType' in op.response && !(op.operationId in CLIENT_METHODS),
    ).map((op) => op.operationId);
    expect(streaming).toEqual(['getMetrics']);
  });
});
