import path from 'node:path';
import winston from 'winston';
import {
  AgentRegistry,
  CapabilityCatalog,
  createLogger,
  loadConfig,
  loadWorkflows,
  Supervisor,
  TaskRouter,
  WorkflowEngine,
  type QueueNames,
} from '@tta/core';
import { createTestRedis, deletePrefix, once, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';

const logger = createLogger({ transports: [new winston.transports.Console({ silent: true })] });

// The supervisor runs its workflow engine while it leads, and only then.
describe('Supervisor with a workflow engine', () => {
  let redis: Redis;
  let names: QueueNames;
  const connections: Redis[] = [];
  const supervisors: Supervisor[] = [];

  function pair(id: string): { supervisor: Supervisor; engine: WorkflowEngine } {
    const connection = createTestRedis();
    connections.push(connection);
    const config = loadConfig({ env: {} });
    const catalog = new CapabilityCatalog(config.capabilities);
    const engine = new WorkflowEngine({
      connection,
      names,
      workflows: loadWorkflows({ dir: path.join(config.configDir, 'workflows'), catalog }),
      catalog,
      router: new TaskRouter(catalog, { names }),
      tasks: config.tasks,
      safety: config.safety,
      logger,
    });
    const supervisor = new Supervisor({
      redis: connection,
      names,
      registry: new AgentRegistry(connection, { names }),
      logger,
      id,
      replicas: {},
      leaderLockTtlMs: 600,
      workflowEngine: engine,
    });
    supervisors.push(supervisor);
    return { supervisor, engine };
  }

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
  });

  afterEach(async () => {
    await Promise.all(supervisors.splice(0).map((s) => s.stop()));
    await Promise.all(connections.splice(0).map((c) => c.quit()));
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('starts the engine on lead, closes it on stop, and the standby takes over', async () => {
    const a = pair('sup-a');
    const b = pair('sup-b');
    await a.supervisor.start();
    await waitFor(() => a.engine.state === 'running', { what: "the leader's engine" });
    await b.supervisor.start();
    expect(b.supervisor.isLeader).toBe(false);
    expect(b.engine.state).toBe('idle');
    const leading = once(b.supervisor, 'leading', 5000);
    await a.supervisor.stop();
    expect(a.engine.state).toBe('stopped');
    await leading;
    await waitFor(() => b.engine.state === 'running', { what: "the new leader's engine" });
  });
});
