import path from 'node:path';
import { MAX_INPUT_DEPTH } from '@tta/contracts';
import {
  CapabilityCatalog,
  loadConfig,
  loadWorkflows,
  stepTaskId,
  TaskId,
  ValidationError,
  type WorkflowDefinition,
} from '@tta/core';
import { parseRunRequest } from '../../../src/workflow/run-request';

const catalog = new CapabilityCatalog(loadConfig({ env: {} }).capabilities);
const workflows = loadWorkflows({
  dir: path.resolve(__dirname, '../../../../../config/workflows'),
  catalog,
});
const playerTurn = workflows.get('player-turn') as WorkflowDefinition;

function issueOf(definition: WorkflowDefinition, body: unknown): string {
  try {
    parseRunRequest(definition, body, catalog);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).message;
  }
  throw new Error('expected a ValidationError');
}

describe('parseRunRequest', () => {
  it('accepts input that matches the declaration and a session', () => {
    expect(
      parseRunRequest(playerTurn, { input: { text: 'go north' }, sessionId: 's-1' }, catalog),
    ).toEqual({
      input: { text: 'go north' },
      sessionId: 's-1',
    });
  });

  it('names the field that is wrong', () => {
    expect(issueOf(playerTurn, { input: { text: 3 }, sessionId: 's' })).toMatch(
      /^invalid input\.text: /,
    );
    expect(issueOf(playerTurn, { input: {}, sessionId: 's' })).toMatch(/^invalid input\.text: /);
    expect(issueOf(playerTurn, { input: { text: 'hi', extra: 1 }, sessionId: 's' })).toMatch(
      /^invalid input: unknown field\(s\): extra/,
    );
    expect(issueOf(playerTurn, { input: { text: 'hi' }, sessionId: 'bad id!' })).toMatch(
      /^invalid sessionId: /,
    );
    expect(issueOf(playerTurn, { input: { text: 'hi' }, session: 's' })).toMatch(
      /unknown field\(s\): session/,
    );
  });

  it(`refuses input nested more than ${MAX_INPUT_DEPTH} levels deep`, () => {
    const deep = JSON.parse(`${'['.repeat(MAX_INPUT_DEPTH)}${']'.repeat(MAX_INPUT_DEPTH)}`);
    expect(issueOf(playerTurn, { input: { text: 'hi', deep }, sessionId: 's' })).toBe(
      `invalid input: must not nest objects and arrays more than ${MAX_INPUT_DEPTH} levels deep`,
    );
  });

  it('requires a session for a workflow that needs one', () => {
    expect(issueOf(playerTurn, { input: { text: 'hi' } })).toBe(
      "invalid sessionId: required by workflow 'player-turn'",
    );
  });

  it("checks the first steps' inputs against their capabilities, naming the run's field", () => {
    expect(issueOf(playerTurn, { input: { text: '   ' }, sessionId: 's' })).toBe(
      'invalid input.text: must not be empty',
    );
  });

  it('takes optional fields and defaults the input to {}', () => {
    const definition: WorkflowDefinition = {
      ...playerTurn,
      requiresSession: false,
      input: {
        mood: 'string?',
        count: 'number',
        flags: 'array?',
        extra: 'object?',
        ok: 'boolean?',
      },
      stages: [],
    };
    expect(parseRunRequest(definition, { input: { count: 2, ok: true } }, catalog)).toEqual({
      input: { count: 2, ok: true },
    });
    expect(issueOf(definition, {})).toMatch(/^invalid input\.count: /);
    expect(issueOf(definition, { input: { count: 1, flags: 'x' } })).toMatch(
      /^invalid input\.flags: /,
    );
  });
});

describe('stepTaskId', () => {
  it('is a task id of the queue, the same for the same run and step, different otherwise', () => {
    const id = stepTaskId('cap.world.update', 'workflow~run-1', 'world');
    expect(TaskId.parse(id)).toEqual({
      queue: 'cap.world.update',
      uuid: expect.any(String),
      shard: 0,
    });
    expect(stepTaskId('cap.world.update', 'workflow~run-1', 'world')).toBe(id);
    expect(stepTaskId('cap.world.update', 'workflow~run-2', 'world')).not.toBe(id);
    expect(stepTaskId('cap.world.update', 'workflow~run-1', 'narrate')).not.toBe(id);
  });

  it("is on its run's shard, so that a run and its steps share one cluster slot", () => {
    const run = TaskId.create('workflow', 2);
    const id = stepTaskId('cap.world.update', run, 'world');
    expect(TaskId.parse(id)).toMatchObject({ queue: 'cap.world.update', shard: 2 });
    expect(id).toMatch(/^cap\.world\.update~2~/);
  });
});
