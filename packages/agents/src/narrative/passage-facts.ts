import type { Intent, IntentVerb, WorldState } from '@tta/contracts';
import { feelingValence, type FeelingValence } from '../input/feelings';
import {
  CHARACTERS,
  ITEMS,
  PLACES,
  findByAlias,
  type Character,
  type Item,
  type Place,
} from '../world/world-map';

/** What a passage is written from: the turn's intent and outcome, and the world around it. */
export interface PassageFacts {
  verb: IntentVerb;
  /** Whether the world carried the intent out. */
  applied: boolean;
  /** The item the intent names, when the world knows it. */
  item?: Item;
  /** What the intent acts on, as the player said it. */
  target?: string;
  /** The character spoken with. */
  character?: Character;
  /** The feeling the player named. */
  feeling?: string;
  valence: FeelingValence;
  /** Where the player is, when the world is known. */
  place?: Place;
  itemsHere: Item[];
  peopleHere: Character[];
  inventory: Item[];
  /** The world's flags (empty when the world is not known). */
  flags: Readonly<WorldState['flags']>;
  /** What the world reported for the turn. */
  changes: string[];
}

/** What the narrative is asked to write from (the input of `narrative.generate`). */
export interface PassageRequest {
  /** The player's words, when given; they vary the wording. */
  text?: string;
  intent: Pick<Intent, 'verb'> & Partial<Omit<Intent, 'verb'>>;
  world?: Partial<WorldState>;
  changes?: string[];
  applied?: boolean;
}

function known<T>(catalog: Readonly<Record<string, T>>, ids: readonly string[] | undefined): T[] {
  return (ids ?? []).map((id) => catalog[id]).filter((entry): entry is T => entry !== undefined);
}

function peopleAt(world: Partial<WorldState> | undefined, place: string | undefined): Character[] {
  const characters = world?.characters ?? {};
  const ids = Object.keys(characters)
    .filter((id) => place !== undefined && characters[id]?.location === place)
    .sort();
  return known(CHARACTERS, ids);
}

function characterOf(request: PassageRequest, peopleHere: Character[]): Character | undefined {
  const named = request.intent.character;
  if (named === undefined) return request.intent.verb === 'talk' ? peopleHere[0] : undefined;
  return findByAlias(CHARACTERS, named);
}

/** Gathers the facts of a passage from a request, looking names up in the world's catalogs. */
export function passageFacts(request: PassageRequest): PassageFacts {
  const { intent, world } = request;
  const place = world?.location === undefined ? undefined : PLACES[world.location];
  const peopleHere = peopleAt(world, place?.id);
  const item = findByAlias(ITEMS, intent.target) ?? findByAlias(ITEMS, intent.instrument);
  return {
    verb: intent.verb,
    applied: request.applied ?? true,
    item,
    target: intent.target,
    character: characterOf(request, peopleHere),
    feeling: intent.feeling,
    valence: intent.feeling === undefined ? 'neutral' : feelingValence(intent.feeling),
    place,
    itemsHere: place === undefined ? [] : known(ITEMS, world?.items?.[place.id]),
    peopleHere,
    inventory: known(ITEMS, world?.inventory),
    flags: world?.flags ?? {},
    changes: request.changes ?? [],
  };
}
