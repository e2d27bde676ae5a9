import type { Intent, IntentVerb, WorldState } from '@tta/contracts';
import { DIRECTIONS, type Direction } from '../input/intent-vocabulary';
import { capitalize } from '../text/capitalize';
import {
  CHARACTERS,
  DIRECTION_PHRASES,
  ITEMS,
  PLACES,
  describeExits,
  findByAlias,
  type Item,
  type Place,
} from './world-map';

/** An intent as `world.update` takes it: a verb, entities, and perhaps a confidence. */
export type WorldIntent = Pick<Intent, 'verb'> & Partial<Omit<Intent, 'verb'>>;

/** The result of applying an intent to a world. */
export interface WorldTransition {
  /** The world after the turn (a new object; the input is not changed). */
  world: WorldState;
  /** What happened, as short second-person sentences. */
  changes: string[];
  /** Whether the intent was carried out; when not, only the turn advanced. */
  applied: boolean;
}

type Outcome = Pick<WorldTransition, 'changes' | 'applied'>;
type VerbRule = (world: WorldState, intent: WorldIntent, here: Place) => Outcome;

const done = (...changes: string[]): Outcome => ({ changes, applied: true });
const notDone = (...changes: string[]): Outcome => ({ changes, applied: false });

function directionTo(here: Place, destination: string): Direction | 'here' | undefined {
  const direction = DIRECTIONS.find((d) => d === destination);
  if (direction !== undefined) return here.exits[direction] === undefined ? undefined : direction;
  const place = findByAlias(PLACES, destination);
  if (place === undefined) return undefined;
  if (place.id === here.id) return 'here';
  return DIRECTIONS.find((d) => here.exits[d] === place.id);
}

function noWay(here: Place, destination: string): string {
  const place = findByAlias(PLACES, destination);
  const why = DIRECTIONS.some((d) => d === destination)
    ? `There is no path ${destination} from ${here.name}.`
    : place !== undefined
      ? `${capitalize(place.name)} is not directly reachable from ${here.name}.`
      : `You don't know a way to "${destination}" from ${here.name}.`;
  return `${why} From here you can go ${describeExits(here)}.`;
}

const move: VerbRule = (world, intent, here) => {
  const destination = intent.destination;
  if (destination === undefined) {
    return notDone(`You pause to choose a way. From here you can go ${describeExits(here)}.`);
  }
  const direction = directionTo(here, destination);
  if (direction === 'here') return notDone(`You are already in ${here.name}.`);
  const target = direction === undefined ? undefined : here.exits[direction];
  const there = target === undefined ? undefined : PLACES[target];
  if (direction === undefined || there === undefined) return notDone(noWay(here, destination));
  const lock = here.locked?.[direction];
  if (lock !== undefined && world.flags[lock.flag] !== true) return notDone(lock.reason);
  world.location = there.id;
  const changes = [`You make your way ${DIRECTION_PHRASES[direction]} to ${there.name}.`];
  if (!world.visited.includes(there.id)) {
    world.visited.push(there.id);
    changes.push(`This is your first time in ${there.name}.`);
  }
  return done(...changes);
};

function itemsAt(world: WorldState, place: string): readonly string[] {
  return world.items[place] ?? [];
}

function removeItem(world: WorldState, place: string, id: string): void {
  world.items[place] = itemsAt(world, place).filter((item) => item !== id);
}

function removeFromInventory(world: WorldState, id: string): void {
  world.inventory = world.inventory.filter((item) => item !== id);
}

const take: VerbRule = (world, intent, here) => {
  if (intent.target === undefined) return notDone("It isn't clear what you'd like to pick up.");
  const item = findByAlias(ITEMS, intent.target);
  if (item !== undefined && world.inventory.includes(item.id)) {
    return notDone(`You are already carrying the ${item.name}.`);
  }
  if (item === undefined || !itemsAt(world, here.id).includes(item.id)) {
    return notDone(`There is no ${item?.name ?? intent.target} here to pick up.`);
  }
  removeItem(world, here.id, item.id);
  world.inventory.push(item.id);
  return done(`You pick up the ${item.name}.`);
};

const drop: VerbRule = (world, intent, here) => {
  if (intent.target === undefined) return notDone("It isn't clear what you'd like to put down.");
  const item = findByAlias(ITEMS, intent.target, world.inventory);
  if (item === undefined) return notDone(`You are not carrying the ${intent.target}.`);
  removeFromInventory(world, item.id);
  world.items[here.id] = [...itemsAt(world, here.id), item.id];
  return done(`You set the ${item.name} down in ${here.name}.`);
};

function usable(world: WorldState, intent: WorldIntent, here: Place): [Item, string?] | undefined {
  const within = [...world.inventory, ...itemsAt(world, here.id)];
  const byTarget = findByAlias(ITEMS, intent.target, within);
  if (byTarget !== undefined) return [byTarget, intent.instrument];
  const byInstrument = findByAlias(ITEMS, intent.instrument, within);
  if (byInstrument !== undefined) return [byInstrument, intent.target];
  // "open the door": the carried item that works on a door.
  const object = intent.target;
  const fits = within
    .map((id) => ITEMS[id])
    .find((item) => object !== undefined && item?.use.on?.includes(object) === true);
  return fits === undefined ? undefined : [fits, object];
}

function cannotUse(intent: WorldIntent): string {
  if (intent.target === undefined) return "It isn't clear what you'd like to use.";
  const known = findByAlias(ITEMS, intent.target);
  return known !== undefined
    ? `You don't have the ${known.name} with you.`
    : `There is nothing called "${intent.target}" here to use.`;
}

const use: VerbRule = (world, intent, here) => {
  const found = usable(world, intent, here);
  if (found === undefined) return notDone(cannotUse(intent));
  const [item, object] = found;
  const effect = item.use;
  if (effect.places !== undefined && !effect.places.includes(here.id)) {
    return notDone(effect.elsewhere ?? `The ${item.name} is not of use here.`);
  }
  if (object !== undefined && effect.on !== undefined && !effect.on.includes(object)) {
    return notDone(`The ${item.name} does not fit the ${object}.`);
  }
  world.flags[effect.flag] = true;
  if (effect.consumed === true) {
    if (world.inventory.includes(item.id)) removeFromInventory(world, item.id);
    else removeItem(world, here.id, item.id);
  }
  return done(effect.change);
};

const talk: VerbRule = (world, intent, here) => {
  const present = Object.keys(world.characters)
    .filter((id) => world.characters[id]?.location === here.id)
    .sort();
  const named = findByAlias(CHARACTERS, intent.character);
  const id = intent.character === undefined ? present[0] : named?.id;
  const character = id === undefined ? undefined : CHARACTERS[id];
  if (character === undefined || id === undefined) {
    return notDone(
      intent.character === undefined
        ? 'There is no one here to talk with just now, but this place is quiet company.'
        : `There is no one called "${intent.character}" here.`,
    );
  }
  if (!present.includes(id)) return notDone(`${character.name} is not here right now.`);
  world.flags[`met_${id}`] = true;
  world.flags.last_spoke_with = id;
  return done(`You talk with ${character.name}.`);
};

const look: VerbRule = (world, intent, here) => {
  if (intent.target === undefined) return done(`You look around ${here.name}.`);
  const within = [...world.inventory, ...itemsAt(world, here.id)];
  const item = findByAlias(ITEMS, intent.target, within);
  return done(
    item !== undefined ? `You look at the ${item.name}.` : `You take in the ${intent.target}.`,
  );
};

const rest: VerbRule = (world, _intent, here) => {
  const count = world.flags.rest_count;
  world.flags.rested = true;
  world.flags.rest_count = (typeof count === 'number' ? count : 0) + 1;
  return done(`You rest for a while in ${here.name}.`);
};

const express: VerbRule = (world, intent) => {
  world.flags.last_feeling = intent.feeling ?? 'unspoken';
  return done(
    intent.feeling === undefined
      ? 'You share how you feel.'
      : `You share that you feel ${intent.feeling}.`,
  );
};

const RULES: Readonly<Record<IntentVerb, VerbRule>> = {
  look,
  move,
  take,
  drop,
  use,
  talk,
  rest,
  express,
  inventory: () => done('You check what you are carrying.'),
  help: () => done('You pause to consider what you might do.'),
  unknown: () => notDone('Nothing changes; those words did not match an action here.'),
};

/**
 * Applies one intent to a world and returns the next world: a pure function. Every call is a
 * turn (`turn` goes up by one); the intent itself may not be carried out (no such exit, no
 * such item here), in which case `applied` is false and `changes` says why.
 */
export function applyIntent(world: WorldState, intent: WorldIntent): WorldTransition {
  const next = structuredClone(world);
  next.turn += 1;
  const here = PLACES[next.location];
  if (here === undefined) {
    return { world: next, ...notDone(`You are somewhere unfamiliar; the way on is unclear.`) };
  }
  return { world: next, ...RULES[intent.verb](next, intent, here) };
}
