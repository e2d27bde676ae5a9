import { Redis } from 'ioredis';
import {
  CapabilityCatalog,
  loadConfig,
  QueueNames,
  TaskRouter,
  TaskService,
  UnknownCapabilityError,
  ValidationError,
} from '@tta/core';
import { MAX_INPUT_DEPTH } from '@tta/contracts';

const config = loadConfig({ env: {} });
const names = new QueueNames('{tta}');
const catalog = new CapabilityCatalog({
  ...config.capabilities,
  'story.tell': { agentType: 'teller', description: '' },
});
// validate() and the checks before the first Redis call never touch Redis: this connection
// is never opened, and the test fails if one of them tries to use it.
const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false });
const service = new TaskService(redis, {
  names,
  catalog,
  router: new TaskRouter(catalog, { names }),
  tasks: config.tasks,
  maxBatchSize: 3,
});

/** The ValidationError `fn` throws, or a failed test. */
function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

afterAll(() => {
  expect(redis.status).toBe('wait');
});

describe('TaskService.validate', () => {
  it('accepts a valid request and returns the parsed input', () => {
    const request = service.validate({
      capability: 'input.parse',
      input: { text: '  look around  ' },
      priority: 5,
      sessionId: 'session-1',
      requirements: { tier: 'fast' },
    });
    expect(request).toEqual({
      capability: 'input.parse',
      input: { text: 'look around' },
      priority: 5,
      sessionId: 'session-1',
      requirements: { tier: 'fast' },
    });
  });

  it('names input.text when the text is empty', () => {
    const error = validationError(() =>
      service.validate({ capability: 'input.parse', input: { text: '   ' } }),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe('invalid input.text: must not be empty');
    expect(error.issues).toEqual([{ path: 'input.text', message: 'must not be empty' }]);
  });

  it('names the field under the root it is given', () => {
    const error = validationError(() =>
      service.validate({ capability: 'safety.screen', input: {} }, 'tasks.2'),
    );
    expect(error.issues[0]?.path).toBe('tasks.2.input.text');
    expect(error.message).toMatch(/^invalid tasks\.2\.input\.text: /);
  });

  it('names unknown fields of the input and of the request', () => {
    const input = validationError(() =>
      service.validate({ capability: 'input.parse', input: { text: 'hi', mood: 'x' } }),
    );
    expect(input.issues).toEqual([{ path: 'input', message: 'unknown field(s): mood' }]);
    const body = validationError(() =>
      service.validate({ capability: 'input.parse', input: { text: 'hi' }, prio: 1 }),
    );
    expect(body.issues).toEqual([{ path: '', message: 'unknown field(s): prio' }]);
    expect(body.message).toBe('invalid body: unknown field(s): prio');
  });

  it.each([
    [{ input: { text: 'hi' } }, 'capability'],
    [{ capability: 'input.parse' }, 'input'],
    [{ capability: 'input.parse', input: { text: 'hi' }, priority: 0 }, 'priority'],
    [{ capability: 'input.parse', input: { text: 'hi' }, delayMs: -1 }, 'delayMs'],
    [{ capability: 'input.parse', input: { text: 'hi' }, sessionId: 'a b' }, 'sessionId'],
    [
      { capability: 'input.parse', input: { text: 'hi' }, requirements: { tier: '' } },
      'requirements.tier',
    ],
  ])('names the field of %j', (body, field) => {
    expect(validationError(() => service.validate(body)).issues[0]?.path).toBe(field);
  });

  it('requires sessionId for world.update', () => {
    const body = { capability: 'world.update', input: { text: 'go north' } };
    const error = validationError(() => service.validate(body));
    expect(error.issues).toEqual([{ path: 'sessionId', message: 'required by world.update' }]);
    expect(validationError(() => service.validate(body, 'tasks.0')).issues[0]?.path).toBe(
      'tasks.0.sessionId',
    );
    expect(service.validate({ ...body, sessionId: 's1' }).sessionId).toBe('s1');
  });

  it('names input.intent when world.update has neither intent nor text', () => {
    const error = validationError(() =>
      service.validate({ capability: 'world.update', input: {}, sessionId: 's1' }),
    );
    expect(error.issues).toEqual([{ path: 'input.intent', message: 'give intent or text' }]);
  });

  it('refuses a timeoutMs over the configured maximum', () => {
    const max = config.tasks.maxTimeoutMs;
    const body = { capability: 'input.parse', input: { text: 'hi' } };
    expect(service.validate({ ...body, timeoutMs: max }).timeoutMs).toBe(max);
    const error = validationError(() => service.validate({ ...body, timeoutMs: max + 1 }));
    expect(error.issues).toEqual([{ path: 'timeoutMs', message: `must be at most ${max}` }]);
  });

  it('throws UnknownCapabilityError, not a validation error, for an unknown capability', () => {
    expect(() => service.validate({ capability: 'dream.weave', input: {} })).toThrow(
      UnknownCapabilityError,
    );
  });

  it('accepts any input object for a capability known only from config', () => {
    const input = { anything: [1, 2, 3], nested: { ok: true } };
    expect(service.validate({ capability: 'story.tell', input }).input).toEqual(input);
  });

  it(`refuses input nested more than ${MAX_INPUT_DEPTH} levels deep, at any depth`, () => {
    const nested = (depth: number): Record<string, unknown> =>
      JSON.parse(`${'{"a":'.repeat(depth)}[1]${'}'.repeat(depth)}`) as Record<string, unknown>;
    const deepest = nested(MAX_INPUT_DEPTH - 1);
    expect(service.validate({ capability: 'story.tell', input: deepest }).input).toEqual(deepest);
    for (const depth of [MAX_INPUT_DEPTH, 100_000]) {
      const error = validationError(() =>
        service.validate({ capability: 'story.tell', input: nested(depth) }),
      );
      expect(error.issues).toEqual([
        {
          path: 'input',
          message: `must not nest objects and arrays more than ${MAX_INPUT_DEPTH} levels deep`,
        },
      ]);
    }
  });
});

describe('TaskService.enqueueBatch validation', () => {
  const ok = { capability: 'input.parse', input: { text: 'look' } };

  it('refuses the whole batch, naming the bad task, before anything reaches Redis', async () => {
    const batch = service.enqueueBatch({
      tasks: [ok, ok, { capability: 'input.parse', input: { text: '' } }],
    });
    await expect(batch).rejects.toBeInstanceOf(ValidationError);
    await expect(batch).rejects.toMatchObject({
      issues: [{ path: 'tasks.2.input.text', message: 'must not be empty' }],
    });
  });

  it('refuses an empty batch and one over maxBatchSize', async () => {
    await expect(service.enqueueBatch({ tasks: [] })).rejects.toMatchObject({
      issues: [{ path: 'tasks' }],
    });
    await expect(service.enqueueBatch({ tasks: [ok, ok, ok, ok] })).rejects.toMatchObject({
      issues: [{ path: 'tasks', message: 'at most 3 tasks per batch' }],
    });
  });
});

describe('TaskService.get with a malformed id', () => {
  it.each(['nope', 'cap.dream.weave~01234567-0000-0000-0000-000000000000'])(
    'answers NotFoundError for %j without touching Redis',
    async (id) => {
      await expect(service.get(id)).rejects.toMatchObject({ code: 'not_found' });
    },
  );
});
