import { Writable } from 'node:stream';
import {
  agentPolicyView,
  createLogger,
  parsePolicies,
  policyVersion,
  ToolDeniedError,
  ToolTimeoutError,
  ValidationError,
  type AgentPolicyView,
  type AppliedPolicy,
} from '@tta/core';
import { defineTool, ToolCaller, ToolRegistry, type ToolDefinition } from '@tta/agent-sdk';
import { Registry } from 'prom-client';
import winston from 'winston';

/** A policy provider over policy files given as YAML, which a test can swap. */
class FixedPolicies {
  private applied!: AppliedPolicy;

  constructor(files: Record<string, string>) {
    this.set(files);
  }

  set(files: Record<string, string>): void {
    const parsed = parsePolicies({ files });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const version = policyVersion(parsed.policies);
    this.applied = { version, loadedAt: Date.now(), source: 'test', policies: parsed.policies };
  }

  forAgent(agentType: string): AgentPolicyView {
    return agentPolicyView(this.applied, agentType);
  }
}

const echo = defineTool({ name: 'text.echo', handler: async (args) => ({ echoed: args.text }) });
const keyed = defineTool({
  name: 'note.write',
  handler: async (_args, ctx) => ({ taskId: ctx.taskId, key: ctx.idempotencyKey }),
});

function setup(files: Record<string, string>, definitions: ToolDefinition[] = [echo]) {
  const lines: winston.Logform.TransformableInfo[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: winston.Logform.TransformableInfo, _encoding, done) {
      lines.push(info);
      done();
    },
  });
  const log = createLogger({
    level: 'debug',
    transports: [new winston.transports.Stream({ stream })],
  });
  const metrics = new Registry();
  const policies = new FixedPolicies(files);
  const caller = new ToolCaller({ registry: new ToolRegistry(definitions), policies, metrics });
  const controller = new AbortController();
  const tools = caller.forTask({
    agentType: 'narrator',
    taskId: 'task-1',
    signal: controller.signal,
    log: () => log,
  });
  const count = async (tool: string, outcome: string): Promise<number> => {
    const metric = (await metrics.getMetricsAsJSON()).find(
      (m) => m.name === 'tta_tool_calls_total',
    );
    const values = (metric?.values ?? []) as Array<{
      labels: Record<string, string>;
      value: number;
    }>;
    const value = values.find(
      (v) =>
        v.labels.tool === tool &&
        v.labels.outcome === outcome &&
        v.labels.agent_type === 'narrator',
    );
    return value?.value ?? 0;
  };
  return { tools, lines, policies, controller, count };
}

describe('ToolCaller', () => {
  it('runs an allowed tool, counts it and logs tool, outcome and ms, never the arguments', async () => {
    const { tools, lines, count } = setup({ 'narrator.yaml': 'tools: { text.echo: {} }' });
    await expect(tools.call('text.echo', { text: 'secret words' })).resolves.toEqual({
      echoed: 'secret words',
    });
    expect(await count('text.echo', 'allowed')).toBe(1);
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'tool call',
        level: 'info',
        tool: 'text.echo',
        outcome: 'allowed',
        ms: expect.any(Number),
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret words');
  });

  it('gives each call an idempotency key from the task, the tool and its place in the run', async () => {
    const caller = new ToolCaller({ registry: new ToolRegistry([echo, keyed]) });
    const scope = (taskId: string) => ({
      agentType: 'narrator',
      taskId,
      signal: new AbortController().signal,
      log: () => createLogger({ level: 'error' }),
    });
    const run = caller.forTask(scope('task-9'));
    await run.call('text.echo', { text: 'x' });
    const first = await run.call('note.write');
    const second = await run.call('note.write');
    expect([first, second]).toEqual([
      { taskId: 'task-9', key: 'task-9:note.write:0' },
      { taskId: 'task-9', key: 'task-9:note.write:1' },
    ]);
    // A second run of the same task calls with the same keys.
    const again = caller.forTask(scope('task-9'));
    await expect(again.call('note.write')).resolves.toEqual(first);
  });

  it('denies a tool the policy does not list, and one no policy covers', async () => {
    const { tools, lines, count } = setup({ 'narrator.yaml': 'tools: {}' });
    const denied = tools.call('text.echo', { text: 'x' });
    await expect(denied).rejects.toBeInstanceOf(ToolDeniedError);
    await expect(denied).rejects.toMatchObject({
      code: 'tool_denied',
      message: expect.stringMatching(
        /^tool_denied: tool 'text.echo' denied for agent type 'narrator': not in the tools of the narrator policy \(policy [0-9a-f]{16}\)$/,
      ),
    });
    expect(await count('text.echo', 'denied')).toBe(1);
    expect(lines[0]).toMatchObject({ level: 'warn', tool: 'text.echo', outcome: 'denied' });

    const other = setup({ 'someone-else.yaml': 'tools: { text.echo: {} }' });
    await expect(other.tools.call('text.echo')).rejects.toThrow(
      'no policy applies to this agent type',
    );
    const fallback = setup({ 'default.yaml': 'tools: {}' });
    await expect(fallback.tools.call('text.echo')).rejects.toThrow(
      'not in the tools of the default policy',
    );
  });

  it('denies a tool that is not registered, even when allowed', async () => {
    const { tools, count } = setup({ 'narrator.yaml': 'tools: { web.search: {} }' });
    await expect(tools.call('web.search')).rejects.toThrow('no tool of this name is registered');
    expect(await count('web.search', 'denied')).toBe(1);
  });

  it('denies a tool whose needs exceed the permissions, reading needs from the arguments', async () => {
    const fetchTool = defineTool({
      name: 'web.fetch',
      needs: (args) => ({ network: [new URL(String(args.url)).hostname] }),
      handler: async (args) => `fetched ${String(args.url)}`,
    });
    const { tools, count } = setup(
      {
        'narrator.yaml':
          'tools: { web.fetch: {} }\npermissions: { network: { allow: [api.example.com] } }',
      },
      [fetchTool],
    );
    await expect(tools.call('web.fetch', { url: 'https://api.example.com/x' })).resolves.toBe(
      'fetched https://api.example.com/x',
    );
    await expect(tools.call('web.fetch', { url: 'https://evil.example.net/' })).rejects.toThrow(
      "network access to 'evil.example.net' is not allowed",
    );
    expect(await count('web.fetch', 'allowed')).toBe(1);
    expect(await count('web.fetch', 'denied')).toBe(1);
  });

  it('aborts a call past its timeout, even a tool that ignores its signal', async () => {
    let sawAbort = false;
    const stuck = defineTool({
      name: 'slow.thing',
      handler: (_args, ctx) =>
        new Promise(() => {
          ctx.signal.addEventListener('abort', () => (sawAbort = true));
        }),
    });
    const { tools, count, lines } = setup(
      { 'narrator.yaml': 'tools: { slow.thing: { timeoutMs: 50 } }' },
      [stuck],
    );
    const startedAt = Date.now();
    await expect(tools.call('slow.thing')).rejects.toBeInstanceOf(ToolTimeoutError);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(45);
    expect(sawAbort).toBe(true);
    expect(await count('slow.thing', 'timeout')).toBe(1);
    expect(lines[0]).toMatchObject({
      outcome: 'timeout',
      reason: "tool 'slow.thing' timed out after 50 ms",
    });
  });

  /** A tool whose calls wait until the test releases them, counting those running. */
  function gatedTool() {
    const state = { running: 0, most: 0, releases: [] as Array<() => void> };
    const tool = defineTool({
      name: 'gated.work',
      handler: async () => {
        state.running += 1;
        state.most = Math.max(state.most, state.running);
        await new Promise<void>((resolve) => state.releases.push(resolve));
        state.running -= 1;
      },
    });
    return { tool, state };
  }

  const settle = async () => {
    for (let i = 0; i < 10; i += 1) await Promise.resolve();
  };

  it('runs at most `concurrency` calls of a tool at once; the others wait their turn', async () => {
    const { tool, state } = gatedTool();
    const { tools, count } = setup(
      { 'narrator.yaml': 'tools: { gated.work: { concurrency: 2 } }' },
      [tool],
    );
    const calls = Array.from({ length: 5 }, () => tools.call('gated.work'));
    await settle();
    expect(state.running).toBe(2);
    for (let released = 0; released < 5; released += 1) {
      state.releases.shift()?.();
      await settle();
      expect(state.running).toBe(Math.min(2, 4 - released));
    }
    await Promise.all(calls);
    expect(state.most).toBe(2);
    expect(await count('gated.work', 'allowed')).toBe(5);
  });

  it('reads the limits of the policy on each call', async () => {
    const { tool, state } = gatedTool();
    const { tools, policies } = setup(
      { 'narrator.yaml': 'tools: { gated.work: { concurrency: 2 } }' },
      [tool],
    );
    const first = tools.call('gated.work');
    await settle();
    policies.set({ 'narrator.yaml': 'tools: { gated.work: { concurrency: 1 } }' });
    const second = tools.call('gated.work');
    await settle();
    expect(state.running).toBe(1);
    state.releases.shift()?.();
    await first;
    await settle();
    expect(state.running).toBe(1);
    state.releases.shift()?.();
    await second;
    policies.set({ 'narrator.yaml': 'tools: {}' });
    await expect(tools.call('gated.work')).rejects.toBeInstanceOf(ToolDeniedError);
  });

  it('aborts the call when its task is aborted, and rethrows a failing tool’s error as it is', async () => {
    const wait = defineTool({
      name: 'wait.forever',
      handler: (_args, ctx) =>
        new Promise((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)),
        ),
    });
    const bad = defineTool({
      name: 'bad.input',
      handler: async (args) => {
        throw new ValidationError([{ path: 'query', message: `cannot use ${String(args.query)}` }]);
      },
    });
    const { tools, controller, count, lines } = setup(
      { 'narrator.yaml': 'tools: { wait.forever: {}, bad.input: {} }' },
      [wait, bad],
    );
    const waiting = tools.call('wait.forever');
    controller.abort(new Error('task cancelled'));
    await expect(waiting).rejects.toThrow('task cancelled');
    expect(await count('wait.forever', 'failed')).toBe(1);
    const setupAgain = setup({ 'narrator.yaml': 'tools: { bad.input: {} }' }, [bad]);
    await expect(
      setupAgain.tools.call('bad.input', { query: 'private text' }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await setupAgain.count('bad.input', 'failed')).toBe(1);
    expect(setupAgain.lines[0]).toMatchObject({ outcome: 'failed', error: 'ValidationError' });
    expect(JSON.stringify(setupAgain.lines)).not.toContain('private text');
    expect(lines[0]).toMatchObject({ tool: 'wait.forever', outcome: 'failed' });
  });

  it('without a policy, runs registered tools and denies others', async () => {
    const caller = new ToolCaller({ registry: new ToolRegistry([echo]) });
    const tools = caller.forTask({
      agentType: 'narrator',
      signal: new AbortController().signal,
      log: () => createLogger({ level: 'error' }),
    });
    await expect(tools.call('text.echo', { text: 'hi' })).resolves.toEqual({ echoed: 'hi' });
    await expect(tools.call('web.search')).rejects.toBeInstanceOf(ToolDeniedError);
  });

  it('refuses a registry with two tools of one name, and a bad tool name', () => {
    expect(() => new ToolRegistry([echo, echo])).toThrow("tool 'text.echo' is registered twice");
    expect(() => defineTool({ name: 'Bad Name', handler: async () => 1 })).toThrow(
      /dotted lowercase/,
    );
  });
});
