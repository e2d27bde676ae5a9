import {
  evaluateCondition,
  getPath,
  isPickRule,
  pickBy,
  resolveValue,
} from '../../../src/workflow/evaluate';
import type { RunState } from '../../../src/workflow/workflow-types';

const state: RunState = {
  input: { text: 'go north', tags: ['a', 'b'] },
  sessionId: 's1',
  steps: {
    safety: {
      status: 'completed',
      capability: 'safety.screen',
      output: { level: 'concern', categories: ['panic_attack'] },
    },
    parse: {
      status: 'completed',
      capability: 'input.parse',
      output: { intent: { verb: 'move', destination: 'north', confidence: 0.9 } },
    },
    skipped: { status: 'skipped', capability: 'narrative.generate' },
  },
};

describe('getPath', () => {
  it('walks objects and arrays by dotted path', () => {
    expect(getPath(state, 'steps.parse.output.intent.verb')).toBe('move');
    expect(getPath(state, 'input.tags.1')).toBe('b');
    expect(getPath(state, 'steps.skipped.output.passage')).toBeUndefined();
    expect(getPath(state, 'input.text.length')).toBeUndefined();
  });

  it('follows own properties only', () => {
    expect(getPath(state, 'input.constructor')).toBeUndefined();
    expect(getPath(state, 'steps.__proto__')).toBeUndefined();
  });
});

describe('evaluateCondition', () => {
  it('compares by deep equality', () => {
    expect(evaluateCondition({ path: 'steps.safety.output.level', equals: 'concern' }, state)).toBe(
      true,
    );
    expect(evaluateCondition({ path: 'steps.safety.output.level', equals: 'crisis' }, state)).toBe(
      false,
    );
    expect(
      evaluateCondition(
        { path: 'steps.safety.output.categories', equals: ['panic_attack'] },
        state,
      ),
    ).toBe(true);
    expect(
      evaluateCondition({ path: 'steps.safety.output.level', notEquals: 'crisis' }, state),
    ).toBe(true);
    expect(
      evaluateCondition({ path: 'steps.safety.output.level', in: ['crisis', 'concern'] }, state),
    ).toBe(true);
    expect(evaluateCondition({ path: 'steps.safety.output.level', in: ['safe'] }, state)).toBe(
      false,
    );
  });

  it('tells whether a value exists', () => {
    expect(evaluateCondition({ path: 'steps.parse.output', exists: true }, state)).toBe(true);
    expect(evaluateCondition({ path: 'steps.skipped.output', exists: true }, state)).toBe(false);
    expect(evaluateCondition({ path: 'steps.skipped.output', exists: false }, state)).toBe(true);
    expect(evaluateCondition({ path: 'steps.nothing', exists: false }, state)).toBe(true);
  });

  it('combines with all, any and not', () => {
    const concern = { path: 'steps.safety.output.level', equals: 'concern' };
    const crisis = { path: 'steps.safety.output.level', equals: 'crisis' };
    expect(evaluateCondition({ all: [concern, { not: crisis }] }, state)).toBe(true);
    expect(evaluateCondition({ all: [concern, crisis] }, state)).toBe(false);
    expect(evaluateCondition({ any: [crisis, concern] }, state)).toBe(true);
    expect(evaluateCondition({ any: [crisis] }, state)).toBe(false);
    expect(evaluateCondition({ not: { not: concern } }, state)).toBe(true);
  });
});

describe('resolveValue', () => {
  it('resolves references deeply and keeps literals', () => {
    expect(
      resolveValue(
        {
          text: '$input.text',
          session: '$sessionId',
          intent: '$steps.parse.output.intent',
          nested: { list: ['$input.tags.0', 'plain', 3, true, null] },
          verb: 'look',
        },
        state,
      ),
    ).toEqual({
      text: 'go north',
      session: 's1',
      intent: { verb: 'move', destination: 'north', confidence: 0.9 },
      nested: { list: ['a', 'plain', 3, true, null] },
      verb: 'look',
    });
  });

  it('escapes a literal $ with $$ and leaves out keys that resolve to nothing', () => {
    expect(
      resolveValue({ price: '$$5', gone: '$steps.skipped.output', keep: '$input' }, state),
    ).toEqual({
      price: '$5',
      keep: state.input,
    });
    expect(resolveValue('$$$input.text', state)).toBe('$$input.text');
  });

  it('does not change the state it reads', () => {
    const copy = structuredClone(state);
    resolveValue({ a: '$steps.parse.output' }, state);
    expect(state).toEqual(copy);
  });

  it('resolves $pick over resolved candidates', () => {
    const picked = resolveValue(
      {
        best: {
          $pick: {
            from: ['$steps.skipped.output', '$steps.parse.output', '$steps.safety.output'],
            by: 'first',
          },
        },
      },
      state,
    );
    expect(picked).toEqual({ best: state.steps.parse?.output });
  });
});

describe('pickBy', () => {
  const short = { passage: 'short' };
  const long = { passage: 'a good deal longer' };
  const alsoLong = { passage: 'another as lengthy' };

  it('first: the first candidate that is neither undefined nor null', () => {
    expect(pickBy('first', [undefined, null, short, long])).toBe(short);
    expect(pickBy('first', [undefined])).toBeUndefined();
  });

  it('longest and shortest by the length at a path, earlier wins ties', () => {
    expect(pickBy('longest:passage', [short, long, alsoLong])).toBe(long);
    expect(pickBy('longest:passage', [short, alsoLong, long])).toBe(alsoLong);
    expect(pickBy('shortest:passage', [long, short])).toBe(short);
    expect(pickBy('longest:passage', [undefined, { passage: 3 }, short])).toBe(short);
    expect(pickBy('longest:items', [{ items: [1] }, { items: [1, 2] }])).toEqual({ items: [1, 2] });
    expect(pickBy('longest:passage', [undefined, {}])).toBeUndefined();
  });

  it('max and min by the number at a nested path', () => {
    const a = { score: { value: 2 } };
    const b = { score: { value: 7 } };
    expect(pickBy('max:score.value', [a, b])).toBe(b);
    expect(pickBy('min:score.value', [a, b])).toBe(a);
    expect(pickBy('max:score.value', [{ score: { value: Number.NaN } }, a])).toBe(a);
  });

  it('refuses a rule outside the grammar', () => {
    expect(isPickRule('longest:passage')).toBe(true);
    expect(isPickRule('longest')).toBe(false);
    expect(isPickRule('random')).toBe(false);
    expect(isPickRule('max:a..b')).toBe(false);
    expect(() => pickBy('tallest:passage', [short])).toThrow("invalid pick rule 'tallest:passage'");
  });
});
