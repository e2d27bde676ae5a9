import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CapabilityCatalog,
  ConfigError,
  createLogger,
  loadConfig,
  PolicyManager,
  PolicyWatcher,
  type AppliedPolicy,
  type QueueNames,
} from '@tta/core';
import { PolicyStore } from '../../src/policy/policy-store';
import { createTestRedis, deletePrefix, once, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';

const REPO_POLICIES = path.resolve(__dirname, '../../../../config/policies');
const catalog = new CapabilityCatalog(loadConfig({ env: {} }).capabilities);
const logger = createLogger({ level: 'error' });

const DENY_SNAPSHOT = 'description: no tools for now\ntools: {}\n';
const BROKEN = 'tools:\n  world.snapshot:\n    timeoutMs: -5\n';

describe('PolicyManager (Redis)', () => {
  let redis: Redis;
  let names: QueueNames;
  let dir: string;
  const managers: PolicyManager[] = [];

  function manager(extra: { dir?: string; checkIntervalMs?: number } = {}): PolicyManager {
    const created = new PolicyManager({
      connection: redis,
      names,
      dir: extra.dir ?? dir,
      logger,
      catalog,
      checkIntervalMs: extra.checkIntervalMs ?? 5000,
    });
    managers.push(created);
    return created;
  }

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    dir = mkdtempSync(path.join(os.tmpdir(), 'tta-policy-'));
    cpSync(REPO_POLICIES, dir, { recursive: true });
  });

  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.close()));
    await deletePrefix(redis, names.prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the files at first start; a later process adopts what is stored, not its files', async () => {
    const first = manager();
    await first.start();
    const applied = first.current();
    expect(applied.source).toMatch(/\(startup\)$/);
    expect(first.forAgent('world-builder')).toMatchObject({
      from: 'own',
      version: applied.version,
    });
    expect(first.forAgent('chaos')).toMatchObject({ from: 'default', policy: { tools: {} } });
    expect(await redis.hget(names.key('policy', 'current'), 'version')).toBe(applied.version);

    const otherDir = mkdtempSync(path.join(os.tmpdir(), 'tta-policy-other-'));
    writeFileSync(path.join(otherDir, 'world-builder.yaml'), DENY_SNAPSHOT);
    try {
      const second = manager({ dir: otherDir });
      await second.start();
      expect(second.current()).toEqual(applied);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('refuses to start on invalid files when nothing is stored, naming the file and field', async () => {
    writeFileSync(path.join(dir, 'world-builder.yaml'), BROKEN);
    await expect(manager().start()).rejects.toThrow(ConfigError);
    await expect(manager().start()).rejects.toThrow(
      `${path.join(dir, 'world-builder.yaml')}: tools.world.snapshot.timeoutMs: must be a positive integer`,
    );
  });

  it('validates without applying', async () => {
    const policies = manager();
    await policies.start();
    const before = policies.current();
    expect(policies.validate({ files: { 'world-builder.yaml': BROKEN } })).toEqual({
      valid: false,
      errors: ['world-builder.yaml: tools.world.snapshot.timeoutMs: must be a positive integer'],
    });
    expect(policies.validate({ policies: { 'world-builder': { tools: {} } } })).toEqual({
      valid: true,
      errors: [],
      version: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(policies.current()).toBe(before);
    expect((await policies.status()).lastError).toBeUndefined();
  });

  it('a reload reaches every process at once; an invalid one is refused and the old policy stays', async () => {
    const a = manager();
    const b = manager();
    await a.start();
    await b.start();
    const original = a.current();
    expect(b.current().version).toBe(original.version);

    writeFileSync(path.join(dir, 'world-builder.yaml'), BROKEN);
    const refused = await a.reload('test');
    expect(refused).toMatchObject({ applied: false, changed: false });
    expect(refused.errors).toEqual([
      `${path.join(dir, 'world-builder.yaml')}: tools.world.snapshot.timeoutMs: must be a positive integer`,
    ]);
    for (const m of [a, b]) {
      const status = await m.status();
      expect(status.version).toBe(original.version);
      expect(status.lastError?.message).toBe(refused.errors[0]);
      expect(m.current().version).toBe(original.version);
    }

    writeFileSync(path.join(dir, 'world-builder.yaml'), DENY_SNAPSHOT);
    const changed = once<AppliedPolicy>(b, 'changed', 5000);
    const reloaded = await a.reload('test');
    expect(reloaded).toMatchObject({ applied: true, changed: true });
    expect((await changed).version).toBe(reloaded.status.version);
    expect(b.forAgent('world-builder').policy.tools).toEqual({});
    expect(reloaded.status.lastError).toBeUndefined();
    expect(reloaded.status.source).toMatch(/\(test\)$/);

    const again = await a.reload('test');
    expect(again).toMatchObject({ applied: true, changed: false });
  });

  it('catches up with a change it was not told about, on its interval check', async () => {
    const policies = manager({ checkIntervalMs: 200 });
    await policies.start();
    const stored = policies.current();
    // Written without an announcement, as if the message had been lost.
    const next: AppliedPolicy = {
      ...stored,
      version: 'quietly-changed',
      policies: { ...stored.policies, 'world-builder': { ...stored.policies.default! } },
    };
    await redis.hset(names.key('policy', 'current'), {
      version: next.version,
      policies: JSON.stringify(next.policies),
    });
    await waitFor(() => policies.current().version === 'quietly-changed', {
      timeoutMs: 5000,
      what: 'the interval check to adopt the stored policy',
    });
    expect(policies.forAgent('world-builder').policy.tools).toEqual({});
  });

  it('stores its policy again when the stored one vanished', async () => {
    const policies = manager({ checkIntervalMs: 200 });
    await policies.start();
    const store = new PolicyStore(redis, { names });
    await redis.del(store.key);
    await waitFor(async () => (await store.version()) === policies.current().version, {
      timeoutMs: 5000,
      what: 'the policy to be stored again',
    });
  });

  it('the watcher applies a changed file, debounced, and records a broken one', async () => {
    const policies = manager();
    const watched = manager();
    await policies.start();
    await watched.start();
    const watcher = new PolicyWatcher({ policies, dir, logger, debounceMs: 50 });
    try {
      await watcher.start();
      const changed = once<AppliedPolicy>(watched, 'changed', 10_000);
      writeFileSync(path.join(dir, 'world-builder.yaml'), DENY_SNAPSHOT);
      expect((await changed).source).toMatch(/\(file change\)$/);
      expect(watched.forAgent('world-builder').policy.tools).toEqual({});

      writeFileSync(path.join(dir, 'world-builder.yaml'), BROKEN);
      await waitFor(async () => (await watched.status()).lastError, {
        timeoutMs: 10_000,
        what: 'the refused reload in the status',
      });
      expect(watched.forAgent('world-builder').policy.tools).toEqual({});
    } finally {
      await watcher.stop();
    }
  });
});
