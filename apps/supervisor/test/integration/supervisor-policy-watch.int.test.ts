import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, PolicyManager, type AppliedPolicy, type QueueNames } from '@tta/core';
import {
  createTestRedis,
  deletePrefix,
  once,
  REPO_ROOT,
  spawnNode,
  testRedisUrl,
  uniqueNames,
  waitFor,
  type TestProcess,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';

const SUPERVISOR = 'apps/supervisor/dist/main.js';

describe('supervisor process: the policy directory watch', () => {
  let redis: Redis;
  let names: QueueNames;
  let dir: string;
  let observerDir: string;
  let observer: PolicyManager | undefined;
  let supervisor: TestProcess | undefined;

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    dir = mkdtempSync(path.join(os.tmpdir(), 'tta-supervisor-policy-'));
    observerDir = mkdtempSync(path.join(os.tmpdir(), 'tta-observer-policy-'));
    cpSync(path.join(REPO_ROOT, 'config/policies'), dir, { recursive: true });
    cpSync(path.join(REPO_ROOT, 'config/policies'), observerDir, { recursive: true });
  });

  afterEach(async () => {
    supervisor?.signal('SIGKILL');
    await supervisor?.exited;
    await observer?.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
    for (const d of [dir, observerDir]) rmSync(d, { recursive: true, force: true });
  });

  it('applies a changed policy file while it leads, and refuses a broken one', async () => {
    supervisor = spawnNode(SUPERVISOR, [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_SUPERVISOR_LOCAL_EXECUTOR: 'false',
      TTA_POLICY_DIR: dir,
      TTA_POLICY_WATCH_DEBOUNCE_MS: '100',
    });
    const leader = names.key('supervisor', 'leader');
    await waitFor(async () => (await redis.get(leader)) !== null, {
      timeoutMs: 15_000,
      what: `the supervisor to lead\n${supervisor.output()}`,
    });
    // Another process of the deployment, which only hears about changes.
    const policies = new PolicyManager({
      connection: redis,
      names,
      dir: observerDir,
      logger: createLogger({ level: 'error' }),
    });
    observer = policies;
    await policies.start();
    const before = policies.current().version;

    const changed = once<AppliedPolicy>(policies, 'changed', 10_000);
    writeFileSync(path.join(dir, 'world-builder.yaml'), 'tools: {}\n');
    const applied = await changed;
    expect(applied.version).not.toBe(before);
    expect(applied.source).toMatch(/\(file change\)$/);
    expect(policies.forAgent('world-builder').policy.tools).toEqual({});

    writeFileSync(path.join(dir, 'world-builder.yaml'), 'tools: [nonsense]\n');
    const status = await waitFor(
      async () => {
        const current = await policies.status();
        return current.lastError ? current : undefined;
      },
      { timeoutMs: 10_000, what: 'the refused reload in the status' },
    );
    expect(status.lastError?.message).toBe(
      `${path.join(dir, 'world-builder.yaml')}: tools: must be a map of tool name to { timeoutMs?, concurrency? }`,
    );
    expect(status.version).toBe(applied.version);
    expect(policies.current().version).toBe(applied.version);
  });
});
