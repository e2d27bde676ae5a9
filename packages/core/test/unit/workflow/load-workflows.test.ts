import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { CapabilityCatalog, ConfigError, loadConfig, loadWorkflows } from '@tta/core';

const REPO_WORKFLOWS = path.resolve(__dirname, '../../../../../config/workflows');
const catalog = new CapabilityCatalog(loadConfig({ env: {} }).capabilities);

const turn = () => ({
  description: 'a turn',
  requiresSession: true,
  input: { text: 'string' },
  stages: [
    {
      name: 'understand',
      steps: [
        { id: 'safety', capability: 'safety.screen', input: { text: '$input.text' } },
        { id: 'parse', capability: 'input.parse', input: { text: '$input.text' } },
      ],
      endRunWhen: { path: 'steps.safety.output.level', equals: 'crisis' },
      endOutcome: 'crisis',
    },
    {
      name: 'world',
      steps: [
        {
          id: 'world',
          capability: 'world.update',
          input: { intent: '$steps.parse.output.intent' },
        },
      ],
    },
  ],
  result: { world: '$steps.world.output.world' },
});

type Definition = ReturnType<typeof turn>;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tta-workflows-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes one definition as `<name>.yaml` and returns the ConfigError loading it throws. */
function errorOf(definition: unknown, file = 'player-turn.yaml'): string {
  const text = file.endsWith('.json') ? JSON.stringify(definition) : stringify(definition);
  writeFileSync(path.join(dir, file), text);
  try {
    loadWorkflows({ dir, catalog });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as ConfigError).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message.startsWith(path.join(dir, file))).toBe(true);
    return message.slice(path.join(dir, file).length + 2);
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

function edit(change: (d: Definition) => void): Definition {
  const definition = turn();
  change(definition);
  return definition;
}

describe('loadWorkflows', () => {
  it('loads the shipped player-turn and session-recap definitions', () => {
    const workflows = loadWorkflows({ dir: REPO_WORKFLOWS, catalog });
    expect([...workflows.keys()].sort()).toEqual(['player-turn', 'session-recap']);
    const playerTurn = workflows.get('player-turn');
    expect(playerTurn?.requiresSession).toBe(true);
    expect(playerTurn?.stages.map((s) => s.name)).toEqual(['understand', 'world', 'narrate']);
    expect(playerTurn?.stages[0]?.steps.map((s) => [s.id, s.capability, s.onFailure])).toEqual([
      ['safety', 'safety.screen', 'fail'],
      ['parse', 'input.parse', 'fail'],
    ]);
    expect(playerTurn?.stages[0]?.endOutcome).toBe('crisis');
    expect(Object.keys(playerTurn?.result ?? {}).sort()).toEqual([
      'breakSuggestion',
      'checkIn',
      'intent',
      'narrative',
      'safety',
      'world',
    ]);
    const recap = workflows.get('session-recap');
    expect(recap?.stages[1]?.steps).toHaveLength(2);
    expect(recap?.result.recap).toEqual({
      $pick: { from: ['$steps.look.output', '$steps.rest.output'], by: 'longest:passage' },
    });
  });

  it('names the workflow after its file, from YAML and JSON alike', () => {
    writeFileSync(path.join(dir, 'turn-a.json'), JSON.stringify(turn()));
    writeFileSync(path.join(dir, 'turn-b.yml'), stringify(turn()));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a workflow');
    expect([...loadWorkflows({ dir, catalog }).keys()]).toEqual(['turn-a', 'turn-b']);
  });

  it('names the step and the capability that is not in the catalog', () => {
    const message = errorOf(
      edit((d) => {
        const step = d.stages[1]?.steps[0];
        if (step) step.capability = 'world.updat';
      }),
    );
    expect(message).toBe(
      "stages[1].steps[0] (world): capability 'world.updat' is not in the catalog",
    );
  });

  it('names a duplicate step id and a duplicate stage name', () => {
    const dupStep = edit((d) => {
      const step = d.stages[1]?.steps[0];
      if (step) step.id = 'parse';
    });
    expect(errorOf(dupStep)).toBe("stages[1].steps[0] (parse): duplicate step id 'parse'");
    const dupStage = edit((d) => {
      const stage = d.stages[1];
      if (stage) stage.name = 'understand';
    });
    expect(errorOf(dupStage)).toBe("stages[1] (understand): duplicate stage name 'understand'");
  });

  it('refuses a reference to a step of the same or a later stage', () => {
    const sameStage = edit((d) => {
      const step = d.stages[0]?.steps[1];
      if (step) step.input = { text: '$steps.safety.output.level' };
    });
    expect(errorOf(sameStage)).toBe(
      "stages[0].steps[1] (parse): input.text: '$steps.safety.output.level' refers to step 'safety', which is not in an earlier stage",
    );
    const unknown = edit((d) => {
      const step = d.stages[1]?.steps[0];
      if (step) step.input = { intent: '$steps.pars.output.intent' };
    });
    expect(errorOf(unknown)).toContain(
      "input.intent: '$steps.pars.output.intent' refers to step 'pars'",
    );
  });

  it('checks references in conditions, results and to undeclared input fields', () => {
    const when = edit((d) => {
      const step = d.stages[0]?.steps[0];
      if (step) Object.assign(step, { when: { path: 'steps.world.status', equals: 'completed' } });
    });
    expect(errorOf(when)).toBe(
      "stages[0].steps[0] (safety): when.path: 'steps.world.status' refers to step 'world', which is not in an earlier stage",
    );
    const result = edit((d) => {
      d.result = { world: '$steps.nowhere.output' };
    });
    expect(errorOf(result)).toBe(
      "result.world: '$steps.nowhere.output' refers to step 'nowhere', which is not a step of the workflow",
    );
    const field = edit((d) => {
      const step = d.stages[0]?.steps[0];
      if (step) step.input = { text: '$input.words' };
    });
    expect(errorOf(field)).toContain(
      "input.text: '$input.words' refers to input field 'words', which the workflow's input does not declare",
    );
    const record = edit((d) => {
      d.result = { world: '$steps.world.outptu.world' };
    });
    expect(errorOf(record)).toContain("names 'outptu', which a step record does not have");
  });

  it('requires endOutcome with endRunWhen, and the other way round', () => {
    const noOutcome = edit((d) => {
      delete (d.stages[0] as Partial<Definition['stages'][0]>).endOutcome;
    });
    expect(errorOf(noOutcome)).toBe(
      'stages[0] (understand): endOutcome: is required with endRunWhen',
    );
    const noCondition = edit((d) => {
      delete (d.stages[0] as Partial<Definition['stages'][0]>).endRunWhen;
    });
    expect(errorOf(noCondition)).toBe(
      'stages[0] (understand): endRunWhen: is required with endOutcome',
    );
  });

  it('names the field of a schema error', () => {
    const policy = edit((d) => {
      const step = d.stages[0]?.steps[1];
      if (step) Object.assign(step, { onFailure: 'explode' });
    });
    expect(errorOf(policy)).toMatch(/^stages\[0\]\.steps\[1\] \(parse\): onFailure: /);
    const unknownKey = edit((d) => {
      const step = d.stages[0]?.steps[0];
      if (step) Object.assign(step, { retry: 2 });
    });
    expect(errorOf(unknownKey)).toMatch(/^stages\[0\]\.steps\[0\] \(safety\): .*retry/);
    const missing = edit((d) => {
      delete (d as Partial<Definition>).stages;
    });
    expect(errorOf(missing)).toMatch(/^stages: /);
  });

  it('refuses a session capability in a workflow without sessions, and unknown input fields', () => {
    const noSession = edit((d) => {
      d.requiresSession = false;
    });
    expect(errorOf(noSession)).toBe(
      "stages[1].steps[0] (world): capability 'world.update' needs a session: set requiresSession: true",
    );
    const badField = edit((d) => {
      const step = d.stages[0]?.steps[0];
      if (step) step.input = { txt: '$input.text' } as never;
    });
    expect(errorOf(badField)).toBe(
      "stages[0].steps[0] (safety): input.txt: is not an input field of 'safety.screen' (text)",
    );
  });

  it('checks $pick rules', () => {
    const rule = edit((d) => {
      d.result = {
        pick: { $pick: { from: ['$steps.world.output'], by: 'tallest:passage' } },
      } as never;
    });
    expect(errorOf(rule)).toBe("result.pick.$pick.by: 'tallest:passage' is not a pick rule");
    const empty = edit((d) => {
      d.result = { pick: { $pick: { from: [], by: 'first' } } } as never;
    });
    expect(errorOf(empty)).toBe('result.pick.$pick.from: is empty');
  });

  it('names the file of unparsable YAML or a bad file name', () => {
    writeFileSync(path.join(dir, 'broken.yaml'), 'stages: [\n');
    expect(() => loadWorkflows({ dir, catalog })).toThrow(
      new RegExp(`^${path.join(dir, 'broken.yaml').replace(/[.]/g, '\\.')}: `),
    );
    rmSync(path.join(dir, 'broken.yaml'));
    expect(errorOf(turn(), 'Player_Turn.json')).toMatch(/file name must match/);
  });

  it('refuses a directory that cannot be read', () => {
    expect(() => loadWorkflows({ dir: path.join(dir, 'missing'), catalog })).toThrow(ConfigError);
  });
});
