import { worldStateSchema, type WorldState } from '@tta/contracts';
import { parseInput } from '@tta/agents';
import { applyIntent, type WorldTransition } from '../../src/world/apply-intent';
import { initialWorld } from '../../src/world/world-map';

/** Plays each command in turn from the initial world; returns every transition. */
function play(...commands: string[]): WorldTransition[] {
  let world = initialWorld();
  return commands.map((command) => {
    const transition = applyIntent(world, parseInput(command).intent);
    world = transition.world;
    return transition;
  });
}

function last(transitions: WorldTransition[]): WorldTransition {
  const final = transitions[transitions.length - 1];
  if (final === undefined) throw new Error('no transitions');
  return final;
}

describe('initialWorld', () => {
  test('is a valid world: in the meadow at turn 0, carrying nothing, with items and characters', () => {
    const world = initialWorld();
    expect(worldStateSchema.parse(world)).toEqual(world);
    expect(world).toMatchObject({
      location: 'meadow',
      inventory: [],
      turn: 0,
      visited: ['meadow'],
    });
    expect(world.items.meadow).toEqual(['stone', 'wildflower']);
    expect(world.characters).toEqual({
      mira: { location: 'garden', mood: 'content' },
      tomas: { location: 'library', mood: 'thoughtful' },
    });
  });

  test('is a fresh copy each time', () => {
    const first = initialWorld();
    first.inventory.push('stone');
    expect(initialWorld().inventory).toEqual([]);
  });
});

describe('applyIntent', () => {
  test('moves along exits by direction and by place name, marking places visited', () => {
    const steps = play('go north', 'climb up the hill', 'go down', 'go to the meadow');
    expect(steps.map((s) => [s.world.location, s.applied])).toEqual([
      ['lakeside', true],
      ['hilltop', true],
      ['lakeside', true],
      ['meadow', true],
    ]);
    expect(last(steps).world.visited).toEqual(['meadow', 'lakeside', 'hilltop']);
    expect(steps[0]?.changes).toEqual([
      'You make your way north to the quiet lakeside.',
      'This is your first time in the quiet lakeside.',
    ]);
  });

  test('does not move through an unknown exit, and says which ways there are', () => {
    const { world, applied, changes } = last(play('go south'));
    expect(applied).toBe(false);
    expect(world.location).toBe('meadow');
    expect(changes[0]).toBe(
      'There is no path south from the sunlit meadow. From here you can go north to the quiet lakeside, east to the walled garden or west to the old stone library.',
    );
    expect(last(play('go to the hilltop')).changes[0]).toMatch(
      /^The grassy hilltop is not directly reachable/,
    );
    expect(last(play('go to narnia')).changes[0]).toMatch(/^You don't know a way to "narnia"/);
    expect(last(play('go to the meadow')).changes[0]).toBe('You are already in the sunlit meadow.');
  });

  test('keeps the greenhouse locked until the key is used on its door', () => {
    const locked = last(play('e', 'in'));
    expect(locked).toMatchObject({ applied: false, world: { location: 'garden' } });
    expect(locked.changes[0]).toMatch(/locked/);
    const steps = play('w', 'take key', 'e', 'e', 'use key on door', 'go inside');
    expect(steps[4]).toMatchObject({ applied: true, world: { flags: { greenhouse_open: true } } });
    expect(last(steps).world.location).toBe('greenhouse');
  });

  test('takes items present and drops carried ones where the player is', () => {
    const steps = play(
      'take the stone',
      'take stone',
      'go north',
      'drop the stone',
      'drop lantern',
    );
    expect(steps.map((s) => s.applied)).toEqual([true, false, true, true, false]);
    expect(steps[0]?.world.inventory).toEqual(['stone']);
    expect(steps[0]?.world.items.meadow).toEqual(['wildflower']);
    expect(steps[1]?.changes).toEqual(['You are already carrying the smooth stone.']);
    expect(steps[3]?.world.items.lakeside).toEqual(['feather', 'lantern', 'stone']);
    expect(steps[4]?.changes).toEqual(['You are not carrying the lantern.']);
    expect(last(play('take the lantern')).changes).toEqual([
      'There is no lantern here to pick up.',
    ]);
  });

  test('uses items where they work, and explains where they do not', () => {
    expect(last(play('take stone', 'hold the stone')).world.flags).toEqual({ held_stone: true });
    const kite = play('n', 'up', 'take kite', 'down', 'use kite', 'up', 'fly the kite');
    expect(kite[4]).toMatchObject({ applied: false, world: { flags: {} } });
    expect(kite[4]?.changes[0]).toMatch(/too still/);
    expect(kite[6]).toMatchObject({ applied: true, world: { flags: { flew_kite: true } } });
    const seeds = last(play('e', 'take seeds', 'plant the seeds'));
    expect(seeds.world.inventory).toEqual([]);
    expect(seeds.world.flags.planted_seeds).toBe(true);
    expect(last(play('use the lantern')).changes).toEqual(["You don't have the lantern with you."]);
  });

  test('talking marks a character met, only when they are here', () => {
    const steps = play('talk to mira', 'e', 'talk to the old woman', 'hello');
    expect(steps[0]).toMatchObject({
      applied: false,
      changes: ['Mira, the old gardener is not here right now.'],
    });
    expect(steps[2]).toMatchObject({ applied: true, world: { flags: { met_mira: true } } });
    expect(steps[3]?.changes).toEqual(['You talk with Mira, the old gardener.']);
    expect(last(play('talk')).applied).toBe(false);
  });

  test('rest, express, look, inventory and help apply without moving anything', () => {
    const steps = play('rest', 'sit down', 'I feel calm', 'look', 'inventory', 'help');
    expect(steps.every((s) => s.applied)).toBe(true);
    expect(last(steps).world.flags).toEqual({ rested: true, rest_count: 2, last_feeling: 'calm' });
    expect(last(steps).world.location).toBe('meadow');
  });

  test('every call is a turn, applied or not, and the input world is left alone', () => {
    const world: WorldState = initialWorld();
    const next = applyIntent(world, { verb: 'unknown' });
    expect(next).toMatchObject({ applied: false, world: { turn: 1 } });
    expect(world.turn).toBe(0);
    expect(last(play('n', 'blah', 'take feather')).world.turn).toBe(3);
  });
});
