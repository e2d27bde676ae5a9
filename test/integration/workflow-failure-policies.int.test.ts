import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineAgent } from '@tta/agent-sdk';
import type { StepFailurePolicy } from '@tta/core';
import { stringify } from 'yaml';
import { createWorkflowHarness, type WorkflowHarness } from './workflow-harness';

const POLICIES: StepFailurePolicy[] = ['fail', 'continue', 'ignore'];

/** A two-stage workflow whose first stage has a step that always fails, under `policy`. */
function definition(policy: StepFailurePolicy) {
  return {
    description: `a failing step under '${policy}'`,
    input: { text: 'string' },
    stages: [
      {
        name: 'first',
        steps: [
          {
            id: 'boom',
            capability: 'test.fail',
            input: { text: '$input.text' },
            retries: 1,
            onFailure: policy,
          },
          { id: 'echo', capability: 'test.echo', input: { text: '$input.text' } },
        ],
      },
      {
        name: 'second',
        steps: [
          {
            id: 'after',
            capability: 'test.echo',
            input: { text: '$steps.echo.output.text', boom: '$steps.boom.status' },
          },
        ],
      },
    ],
    result: { echoed: '$steps.after.output', boom: '$steps.boom.output' },
  };
}

describe('workflow engine: step failure policies', () => {
  let h: WorkflowHarness;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tta-policies-'));
    for (const policy of POLICIES) {
      writeFileSync(path.join(dir, `policy-${policy}.yaml`), stringify(definition(policy)));
    }
    h = await createWorkflowHarness({
      workflowsDir: dir,
      capabilities: {
        'test.fail': { agentType: 'test-agent', attempts: 3, backoffMs: 10 },
        'test.echo': { agentType: 'test-agent', attempts: 1 },
      },
    });
    await h.startAgent(
      defineAgent({
        type: 'test-agent',
        capabilities: ['test.fail', 'test.echo'],
        handler: (task) => {
          if (task.capability === 'test.fail') {
            return Promise.reject(new Error(`boom: ${String(task.input.text)}`));
          }
          return Promise.resolve(task.input);
        },
      }),
    );
    await h.startEngine();
  });

  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const echoesBefore = () => h.invocations['test.echo'] ?? 0;
  const failsBefore = () => h.invocations['test.fail'] ?? 0;

  it("fail: the run fails after the step's retries, and no later stage runs", async () => {
    const [echoes, fails] = [echoesBefore(), failsBefore()];
    const { id } = await h.runs.start('policy-fail', { input: { text: 'one' } });
    const run = await h.waitForRun(id);
    expect(run.status).toBe('failed');
    expect(run.error).toBe("step 'boom' failed: boom: one");
    expect(run.steps.boom).toMatchObject({ status: 'failed', error: 'boom: one' });
    expect(run.steps.echo?.status).toBe('completed');
    expect(run.steps.after).toBeUndefined();
    // retries: 1 is two attempts, over the capability's three.
    expect((h.invocations['test.fail'] ?? 0) - fails).toBe(2);
    expect((h.invocations['test.echo'] ?? 0) - echoes).toBe(1);
  });

  it('continue: the run completes, with the failure in the step and in the errors', async () => {
    const { id } = await h.runs.start('policy-continue', { input: { text: 'two' } });
    const run = await h.waitForRun(id);
    expect(run.status).toBe('completed');
    expect(run.outcome).toBe('completed');
    expect(run.errors).toEqual([{ step: 'boom', error: 'boom: two' }]);
    expect(run.steps.boom).toMatchObject({ status: 'failed', error: 'boom: two' });
    expect(run.result).toEqual({ echoed: { text: 'two', boom: 'failed' } });
  });

  it('ignore: the run completes, the step reads failed but is not among the errors', async () => {
    const { id } = await h.runs.start('policy-ignore', { input: { text: 'three' } });
    const run = await h.waitForRun(id);
    expect(run.status).toBe('completed');
    expect(run.errors).toEqual([]);
    expect(run.steps.boom?.status).toBe('failed');
    expect(run.steps.after?.status).toBe('completed');
    expect(run.result).toEqual({ echoed: { text: 'three', boom: 'failed' } });
  });
});
