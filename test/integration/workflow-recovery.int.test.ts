import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { AgentHandler, ResolvedAgentDefinition } from '@tta/agent-sdk';
import { StageTasks, TaskService, type WorkflowRunData } from '@tta/core';
import { waitFor } from '@tta/test-utils';
import { createWorkflowHarness, type WorkflowHarness } from './workflow-harness';

/** Holds the tasks of one capability until released (or aborted). */
class Hold {
  held = 0;
  private releases: Array<() => void> = [];

  constructor(private readonly capability: string) {}

  wrap = (definition: ResolvedAgentDefinition): AgentHandler => {
    return async (task, ctx) => {
      if (task.capability === this.capability) {
        this.held += 1;
        await new Promise<void>((resolve, reject) => {
          this.releases.push(resolve);
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
        });
      }
      return definition.handler(task, ctx);
    };
  };

  release(): void {
    for (const release of this.releases.splice(0)) release();
  }
}

const ONCE_EACH = {
  'safety.screen': 1,
  'input.parse': 1,
  'world.update': 1,
  'narrative.generate': 1,
};

describe('workflow engine: recovery and cancellation', () => {
  let h: WorkflowHarness;
  let hold: Hold;

  beforeEach(async () => {
    hold = new Hold('world.update');
    h = await createWorkflowHarness();
    await h.startBuiltInAgents(hold.wrap);
  });

  afterEach(async () => {
    hold.release();
    await h.close();
  });

  const newSession = () => `s-${randomUUID()}`;

  it('a run whose engine went away mid-stage is finished by another, running no step twice', async () => {
    const first = await h.startEngine();
    const { id } = await h.runs.start('player-turn', {
      input: { text: 'go north' },
      sessionId: newSession(),
    });
    await waitFor(() => hold.held === 1, { what: 'the world step to start' });
    await first.close();
    expect((await h.runs.get(id)).status).toBe('running');
    hold.release();
    // With no engine, the run waits where its cursor says.
    await waitFor(async () => (await h.runs.get(id)).steps.world?.status === 'running');
    await h.startEngine();
    const run = await h.waitForRun(id);
    expect(run.status).toBe('completed');
    expect((run.result as { world: { location: string } }).world.location).toBe('lakeside');
    expect(h.invocations).toEqual(ONCE_EACH);
  });

  it('a run whose engine died after adding its tasks but before moving its cursor adds none again', async () => {
    const { id } = await h.runs.start('player-turn', {
      input: { text: 'go north' },
      sessionId: newSession(),
    });
    // The dead engine: it took the run (holding its lock), added the first stage's tasks as
    // its own code does, and died before it recorded them in the run's cursor.
    const dead = new Worker<WorkflowRunData>(h.names.workflow, null, {
      connection: h.redis,
      prefix: h.names.prefix,
      lockDuration: 1000,
    });
    const tasks = new TaskService(h.redis, {
      names: h.names,
      catalog: h.catalog,
      router: h.router,
      tasks: h.config.tasks,
    });
    try {
      const job = await dead.getNextJob(`dead-${randomUUID()}`);
      expect(job?.id).toBe(id);
      const stage = h.runs.definition('player-turn').stages[0];
      if (!job || !stage) throw new Error('no run to take');
      const stageTasks = new StageTasks({
        catalog: h.catalog,
        router: h.router,
        tasks: h.config.tasks,
        queue: (name) => tasks.queue(name),
      });
      await stageTasks.start(job, stage);
      await waitFor(async () => Object.keys((await job.getChildrenValues()) ?? {}).length === 2, {
        what: 'the first stage tasks to complete',
      });
      expect(job.data.cursor).toEqual({ stage: 0, phase: 'start' });
      expect(await job.getState()).toBe('active');
    } finally {
      await dead.close(true);
      await tasks.close();
    }
    await h.startEngine({ lockDurationMs: 1000, stalledIntervalMs: 250 });
    hold.release();
    const run = await waitFor(
      async () => {
        hold.release();
        const view = await h.runs.get(id);
        return view.status === 'completed' ? view : undefined;
      },
      { timeoutMs: 20_000, what: 'the run to complete' },
    );
    expect(run.steps.world?.status).toBe('completed');
    expect(h.invocations).toEqual(ONCE_EACH);
  });

  it('a cancelled run aborts its running step, runs no later stage and reads cancelled', async () => {
    await h.startEngine();
    const { id } = await h.runs.start('player-turn', {
      input: { text: 'go north' },
      sessionId: newSession(),
    });
    await waitFor(() => hold.held === 1, { what: 'the world step to start' });
    await expect(h.runs.cancel(id, { reason: 'the player left' })).resolves.toEqual({
      id,
      status: 'cancelled',
    });
    const workflowQueue = new Queue(h.names.workflow, {
      connection: h.redis,
      prefix: h.names.prefix,
    });
    try {
      await waitFor(async () => (await workflowQueue.getJobState(id)) === 'failed', {
        what: "the run's job to fail",
      });
      const job = await workflowQueue.getJob(id);
      expect(job?.failedReason).toBe('cancelled');
    } finally {
      await workflowQueue.close();
    }
    const run = await h.runs.get(id);
    expect(run.status).toBe('cancelled');
    expect(run.error).toBe('the player left');
    expect(run.steps.world).toMatchObject({ status: 'failed' });
    expect(run.steps.narrate).toBeUndefined();
    expect(h.invocations['narrative.generate']).toBeUndefined();
    await expect(h.runs.cancel(id)).resolves.toEqual({ id, status: 'cancelled' });
  });

  it('a run cancelled while it waits for its session turn ends without running a step', async () => {
    await h.startEngine();
    const sessionId = newSession();
    const first = await h.runs.start('player-turn', { input: { text: 'go north' }, sessionId });
    await waitFor(() => hold.held === 1, { what: 'the first run to reach its world step' });
    const second = await h.runs.start('player-turn', { input: { text: 'go south' }, sessionId });
    await waitFor(async () => (await h.runs.get(second.id)).status === 'queued');
    await h.runs.cancel(second.id);
    const cancelled = await h.waitForRun(second.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.steps).toEqual({});
    hold.release();
    expect((await h.waitForRun(first.id)).status).toBe('completed');
    expect(h.invocations['world.update']).toBe(1);
  });
});
