import type { WorldState } from '@tta/contracts';
import { DIRECTIONS, type Direction } from '../input/intent-vocabulary';

/** An exit that stays closed until a flag is set. */
export interface LockedExit {
  /** The flag that opens it. */
  flag: string;
  /** Why it does not open yet, said gently. */
  reason: string;
}

/** A place of the world. */
export interface Place {
  id: string;
  /** Its name with an article, as the narrative says it: "the sunlit meadow". */
  name: string;
  /** Words the player may use for it. */
  aliases: readonly string[];
  /** What one sees there, in the second person. */
  description: string;
  /** Where each direction leads. */
  exits: Readonly<Partial<Record<Direction, string>>>;
  /** Exits that need a flag first. */
  locked?: Readonly<Partial<Record<Direction, LockedExit>>>;
}

/** What using an item does. */
export interface ItemUse {
  /** The flag set to `true` when used. */
  flag: string;
  /** The change reported when used, in the second person. */
  change: string;
  /** Places where it can be used; anywhere when absent. */
  places?: readonly string[];
  /** Why it cannot be used elsewhere. */
  elsewhere?: string;
  /** What it can be used on ("door"); anything when absent. */
  on?: readonly string[];
  /** Whether using it uses it up. */
  consumed?: boolean;
}

/** An item of the world. */
export interface Item {
  id: string;
  /** Its name without an article: "brass key". */
  name: string;
  aliases: readonly string[];
  /** What one notices looking at it. */
  description: string;
  use: ItemUse;
}

/** A character of the world. */
export interface Character {
  id: string;
  /** How the narrative names them: "Mira, the old gardener". */
  name: string;
  aliases: readonly string[];
  /** Where they are at the start. */
  home: string;
  mood: string;
  /** Things they say when the player talks with them. */
  greetings: readonly string[];
}

/** The places of the starting world, by id. */
export const PLACES: Readonly<Record<string, Place>> = {
  meadow: {
    id: 'meadow',
    name: 'the sunlit meadow',
    aliases: ['meadow', 'sunlit meadow', 'field', 'grass'],
    description:
      'Tall grass sways in a warm breeze and bees drift between the clover. Paths lead north to a lake, east to a walled garden and west to an old stone library.',
    exits: { north: 'lakeside', east: 'garden', west: 'library' },
  },
  lakeside: {
    id: 'lakeside',
    name: 'the quiet lakeside',
    aliases: ['lakeside', 'lake', 'shore', 'water', 'quiet lakeside'],
    description:
      'Still water mirrors the sky, and reeds whisper along the shore. A worn path climbs up a grassy hill; the meadow lies to the south.',
    exits: { south: 'meadow', up: 'hilltop' },
  },
  hilltop: {
    id: 'hilltop',
    name: 'the grassy hilltop',
    aliases: ['hilltop', 'hill', 'top of the hill', 'summit', 'grassy hilltop'],
    description:
      'From up here the whole valley rests below you, soft and green. The wind is steady and kind. The path leads back down to the lake.',
    exits: { down: 'lakeside' },
  },
  garden: {
    id: 'garden',
    name: 'the walled garden',
    aliases: ['garden', 'walled garden', 'flower garden'],
    description:
      'Old brick walls hold the warmth of the sun, and rows of herbs scent the air. A glass greenhouse stands at the far end; the meadow is back to the west.',
    exits: { west: 'meadow', in: 'greenhouse' },
    locked: {
      in: {
        flag: 'greenhouse_open',
        reason: 'The greenhouse door is locked; perhaps a key is kept somewhere nearby.',
      },
    },
  },
  greenhouse: {
    id: 'greenhouse',
    name: 'the glass greenhouse',
    aliases: ['greenhouse', 'glass greenhouse', 'glasshouse'],
    description:
      'Warm, damp air and the green smell of growing things. Sunlight falls through the glass onto trays of seedlings. The door leads out to the garden.',
    exits: { out: 'garden' },
  },
  library: {
    id: 'library',
    name: 'the old stone library',
    aliases: ['library', 'old library', 'stone library', 'reading room'],
    description:
      'Shelves of worn books rise to the rafters and dust glows in the slanting light. It is hushed and safe here. The door opens east onto the meadow.',
    exits: { east: 'meadow', out: 'meadow' },
  },
};

/** The items of the starting world, by id. */
export const ITEMS: Readonly<Record<string, Item>> = {
  stone: {
    id: 'stone',
    name: 'smooth stone',
    aliases: ['stone', 'smooth stone', 'pebble', 'rock'],
    description: 'A palm-sized stone, worn smooth by water. It is cool and pleasantly heavy.',
    use: { flag: 'held_stone', change: 'You hold the smooth stone and feel its steady weight.' },
  },
  wildflower: {
    id: 'wildflower',
    name: 'wildflower',
    aliases: ['wildflower', 'flower', 'flowers', 'daisy'],
    description: 'A small yellow flower with a sweet, faint scent.',
    use: {
      flag: 'smelled_flower',
      change: 'You breathe in the faint sweetness of the wildflower.',
    },
  },
  feather: {
    id: 'feather',
    name: 'white feather',
    aliases: ['feather', 'white feather'],
    description: 'A soft white feather, light as a breath.',
    use: {
      flag: 'released_feather',
      change: 'You let the feather ride the breeze for a moment, then catch it again.',
    },
  },
  lantern: {
    id: 'lantern',
    name: 'lantern',
    aliases: ['lantern', 'lamp', 'old lantern'],
    description: 'A small lantern with a clean glass chimney, ready to be lit.',
    use: {
      flag: 'lantern_lit',
      change: 'You light the lantern, and a warm glow spreads around you.',
    },
  },
  kite: {
    id: 'kite',
    name: 'red kite',
    aliases: ['kite', 'red kite'],
    description: 'A red paper kite with a long ribbon tail.',
    use: {
      flag: 'flew_kite',
      change: 'You let the kite rise on the wind; it dances high above the valley.',
      places: ['hilltop'],
      elsewhere: 'The air is too still here for the kite; somewhere high and open might suit it.',
    },
  },
  watering_can: {
    id: 'watering_can',
    name: 'watering can',
    aliases: ['watering can', 'can', 'water can'],
    description: 'A dented tin watering can, half full.',
    use: {
      flag: 'watered_plants',
      change: 'You water the thirsty plants and watch the soil darken.',
      places: ['garden', 'greenhouse'],
      elsewhere: 'There are no thirsty plants here; the garden might welcome it.',
    },
  },
  seeds: {
    id: 'seeds',
    name: 'packet of seeds',
    aliases: ['seeds', 'seed', 'packet of seeds', 'seed packet'],
    description: 'A paper packet of sunflower seeds.',
    use: {
      flag: 'planted_seeds',
      change: 'You press the seeds gently into the soil. Something new will grow here.',
      places: ['garden', 'greenhouse'],
      elsewhere: 'This is not quite the place for planting; the garden soil would welcome them.',
      consumed: true,
    },
  },
  seedling: {
    id: 'seedling',
    name: 'seedling',
    aliases: ['seedling', 'sprout', 'plant'],
    description: 'A tiny green seedling in a clay pot, reaching for the light.',
    use: {
      flag: 'tended_seedling',
      change: 'You turn the seedling toward the light and tend it with care.',
    },
  },
  key: {
    id: 'key',
    name: 'brass key',
    aliases: ['key', 'brass key', 'old key'],
    description: 'A small brass key with a leaf engraved on its bow.',
    use: {
      flag: 'greenhouse_open',
      change: 'You turn the brass key, and the greenhouse door unlocks with a soft click.',
      places: ['garden'],
      elsewhere: 'There is no lock here that the key fits.',
      on: ['door', 'greenhouse', 'greenhouse door', 'glass door', 'lock'],
    },
  },
  journal: {
    id: 'journal',
    name: 'blank journal',
    aliases: ['journal', 'blank journal', 'notebook', 'diary'],
    description: 'A journal with soft, empty pages, waiting for whatever you might want to write.',
    use: { flag: 'wrote_in_journal', change: 'You write a few honest lines in the journal.' },
  },
  poems: {
    id: 'poems',
    name: 'book of poems',
    aliases: ['book of poems', 'poems', 'poetry', 'book', 'poetry book'],
    description: 'A slim, well-loved book of poems about seasons and small kindnesses.',
    use: { flag: 'read_poems', change: 'You read a short poem about spring returning, slowly.' },
  },
};

/** The characters of the starting world, by id. */
export const CHARACTERS: Readonly<Record<string, Character>> = {
  mira: {
    id: 'mira',
    name: 'Mira, the old gardener',
    aliases: ['mira', 'old woman', 'woman', 'gardener', 'old gardener', 'lady'],
    home: 'garden',
    mood: 'content',
    greetings: [
      '"Welcome, dear," Mira says, brushing soil from her hands. "Gardens grow at their own pace, and so do we."',
      '"Ah, company," Mira smiles. "Sit a while if you like. The herbs don\'t mind listening."',
    ],
  },
  tomas: {
    id: 'tomas',
    name: 'Tomas, the librarian',
    aliases: ['tomas', 'librarian', 'old man', 'man', 'keeper'],
    home: 'library',
    mood: 'thoughtful',
    greetings: [
      '"Hello, friend," Tomas says softly, marking his page. "Every book here was once a blank page too."',
      '"Take your time," Tomas says with a kind nod. "There is no hurry in a library."',
    ],
  },
};

/** The starting place of every session. */
export const START_PLACE = 'meadow';

/** Starting items of each place. */
const START_ITEMS: Readonly<Record<string, readonly string[]>> = {
  meadow: ['stone', 'wildflower'],
  lakeside: ['feather', 'lantern'],
  hilltop: ['kite'],
  garden: ['watering_can', 'seeds'],
  greenhouse: ['seedling'],
  library: ['key', 'journal', 'poems'],
};

/** A fresh copy of the starting world: turn 0, in the meadow, carrying nothing. */
export function initialWorld(): WorldState {
  return {
    location: START_PLACE,
    inventory: [],
    characters: Object.fromEntries(
      Object.values(CHARACTERS).map((c) => [c.id, { location: c.home, mood: c.mood }]),
    ),
    flags: {},
    visited: [START_PLACE],
    items: Object.fromEntries(
      Object.keys(PLACES).map((place) => [place, [...(START_ITEMS[place] ?? [])]]),
    ),
    turn: 0,
  };
}

/** The id of the entry of `catalog` whose alias (or name) is `words`, if any. */
export function findByAlias<T extends { id: string; name: string; aliases: readonly string[] }>(
  catalog: Readonly<Record<string, T>>,
  words: string | undefined,
  among?: readonly string[],
): T | undefined {
  if (words === undefined) return undefined;
  const candidates = (among ?? Object.keys(catalog))
    .map((id) => catalog[id])
    .filter((entry): entry is T => entry !== undefined);
  return candidates.find((c) => c.aliases.includes(words) || c.name.toLowerCase() === words);
}

/** How a direction reads after "you make your way": "north", "inside". */
export const DIRECTION_PHRASES: Readonly<Record<Direction, string>> = {
  north: 'north',
  south: 'south',
  east: 'east',
  west: 'west',
  up: 'up',
  down: 'down',
  in: 'inside',
  out: 'outside',
};

/** The ways out of a place, one per place they lead to, in the order of `DIRECTIONS`. */
export function exitsOf(place: Place): { direction: Direction; to: Place }[] {
  const exits: { direction: Direction; to: Place }[] = [];
  for (const direction of DIRECTIONS) {
    const to = PLACES[place.exits[direction] ?? ''];
    if (to !== undefined && !exits.some((exit) => exit.to.id === to.id)) {
      exits.push({ direction, to });
    }
  }
  return exits;
}

/** The ways out of a place in words: "south to the sunlit meadow or up to the grassy hilltop". */
export function describeExits(place: Place): string {
  const parts = exitsOf(place).map(
    ({ direction, to }) => `${DIRECTION_PHRASES[direction]} to ${to.name}`,
  );
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1] ?? ''}`;
}
