/**
 * @leakCheckGraceMs 8000
 */
// The engine's first worker is closed with force while Redis is away: BullMQ's watchdog of its
// blocking wait (the drain delay, 5 s, plus 1 s) ends by itself up to 6 s after that close.
import path from 'node:path';
import winston from 'winston';
import {
  CapabilityCatalog,
  closeRedis,
  createLogger,
  createRedisConnection,
  loadConfig,
  loadWorkflows,
  QueueNames,
  TaskRouter,
  WorkflowEngine,
  type RedisClient,
} from '@tta/core';
import { startRedisServer, waitFor, type RedisServer } from '@tta/test-utils';

const logger = createLogger({ transports: [new winston.transports.Console({ silent: true })] });

// A supervisor that loses the lead to a Redis outage closes its workflow engine while Redis is
// away, and starts it again once it leads anew. BullMQ's graceful Worker.close() never resolves
// when called on a connection stuck reconnecting (taskforcesh/bullmq#4656): the engine must not
// wait on it, or its next start() would never run.
describe('WorkflowEngine through a Redis outage', () => {
  let server: RedisServer;
  let connection: RedisClient;
  let engine: WorkflowEngine;

  beforeAll(async () => {
    server = await startRedisServer();
    connection = createRedisConnection({ url: server.url, name: 'tta-test-engine' });
    const config = loadConfig({ env: {} });
    const catalog = new CapabilityCatalog(config.capabilities);
    const names = new QueueNames('{test-engine}');
    engine = new WorkflowEngine({
      connection,
      names,
      workflows: loadWorkflows({ dir: path.join(config.configDir, 'workflows'), catalog }),
      catalog,
      router: new TaskRouter(catalog, { names }),
      tasks: config.tasks,
      safety: config.safety,
      logger,
    });
  });

  afterAll(async () => {
    await engine.close();
    await closeRedis(connection);
    await server.close();
  });

  it('closes while Redis is down and starts again once it is back', async () => {
    await engine.start();
    expect(engine.state).toBe('running');
    await server.stop('SIGTERM');
    await waitFor(() => connection.status !== 'ready', { what: 'the connection to notice' });
    const closing = engine.close();
    const restarting = engine.start();
    await closing;
    // Closed while Redis is still away; the start waits for it.
    expect(connection.status).not.toBe('ready');
    expect(engine.state).toBe('stopped');
    await server.start();
    const backAt = Date.now();
    await restarting;
    expect(engine.state).toBe('running');
    expect(Date.now() - backAt).toBeLessThan(5000);
  }, 20_000);
});
