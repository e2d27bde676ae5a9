import { randomUUID } from 'node:crypto';
import type { AgentHandler, ResolvedAgentDefinition } from '@tta/agent-sdk';
import { spawnNode, testRedisUrl, waitFor, type TestProcess } from '@tta/test-utils';
import { createWorkflowHarness, type WorkflowHarness } from './workflow-harness';

const SUPERVISOR = 'apps/supervisor/dist/main.js';

// Two supervisor processes: the leader drives a run, is killed with SIGKILL mid-run, and the
// standby takes over and finishes the run, with no step run twice.
describe('workflow runs across a supervisor failover', () => {
  let h: WorkflowHarness;
  const supervisors: TestProcess[] = [];
  let held = 0;
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));

  const holdWorld = (definition: ResolvedAgentDefinition): AgentHandler => {
    return async (task, ctx) => {
      if (task.capability === 'world.update') {
        held += 1;
        await released;
      }
      return definition.handler(task, ctx);
    };
  };

  beforeAll(async () => {
    h = await createWorkflowHarness();
    await h.startBuiltInAgents(holdWorld);
  });

  afterAll(async () => {
    release();
    for (const supervisor of supervisors) supervisor.signal('SIGKILL');
    await Promise.all(supervisors.map((s) => s.exited));
    await h.close();
  });

  function startSupervisor(): TestProcess {
    const supervisor = spawnNode(SUPERVISOR, [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: h.names.prefix,
      TTA_SUPERVISOR_LOCAL_EXECUTOR: 'false',
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_SUPERVISOR_LEADER_LOCK_TTL_MS: '1000',
    });
    supervisors.push(supervisor);
    return supervisor;
  }

  const leader = () => h.redis.get(h.names.key('supervisor', 'leader'));

  it('the standby finishes a run whose leader was killed mid-run', async () => {
    const first = startSupervisor();
    const firstLeader = await waitFor(leader, { timeoutMs: 20_000, what: 'a leader' });
    const second = startSupervisor();
    const { id } = await h.runs.start('player-turn', {
      input: { text: 'go north' },
      sessionId: `s-${randomUUID()}`,
    });
    await waitFor(() => held === 1, {
      timeoutMs: 20_000,
      what: `the run to reach its world step\n${first.output()}`,
    });
    first.signal('SIGKILL');
    await first.exited;
    await waitFor(
      async () => {
        const now = await leader();
        return now !== null && now !== firstLeader;
      },
      { timeoutMs: 20_000, what: `the standby to lead\n${second.output()}` },
    );
    release();
    const run = await h.waitForRun(id);
    expect(run.status).toBe('completed');
    expect((run.result as { world: { location: string } }).world.location).toBe('lakeside');
    expect(h.invocations).toEqual({
      'safety.screen': 1,
      'input.parse': 1,
      'world.update': 1,
      'narrative.generate': 1,
    });
  });
});
