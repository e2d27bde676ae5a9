import { builtInCapabilitySchemas, type Intent } from '@tta/contracts';
import { parseInput } from '@tta/agents';
import { normalizeText } from '../../src/text/normalize-text';

type Expected = Omit<Intent, 'confidence'>;

const PHRASINGS: [string, Expected][] = [
  ['look', { verb: 'look' }],
  ['Look around.', { verb: 'look' }],
  ['l', { verb: 'look' }],
  ['Where am I?', { verb: 'look' }],
  ['look at the lake', { verb: 'look', target: 'lake' }],
  ['examine the old key', { verb: 'look', target: 'old key' }],
  ['x key', { verb: 'look', target: 'key' }],
  ['take a look at the kite', { verb: 'look', target: 'kite' }],
  ['listen', { verb: 'look' }],
  ['feel the stone', { verb: 'look', target: 'stone' }],
  ['go north', { verb: 'move', destination: 'north' }],
  ['n', { verb: 'move', destination: 'north' }],
  ['S', { verb: 'move', destination: 'south' }],
  ['walk east', { verb: 'move', destination: 'east' }],
  ['head west', { verb: 'move', destination: 'west' }],
  ['up', { verb: 'move', destination: 'up' }],
  ['d', { verb: 'move', destination: 'down' }],
  ['climb', { verb: 'move', destination: 'up' }],
  ['go inside', { verb: 'move', destination: 'in' }],
  ['leave', { verb: 'move', destination: 'out' }],
  ['get up', { verb: 'move', destination: 'up' }],
  ['Go to the garden, please', { verb: 'move', destination: 'garden' }],
  ["I'd like to go north please", { verb: 'move', destination: 'north' }],
  ['I want to go to the library', { verb: 'move', destination: 'library' }],
  ['let me walk down to the lake', { verb: 'move', destination: 'lake' }],
  ['climb up the hill', { verb: 'move', destination: 'hill' }],
  ['enter the library', { verb: 'move', destination: 'library' }],
  ['head towards the lake', { verb: 'move', destination: 'lake' }],
  ['I think I will go west', { verb: 'move', destination: 'west' }],
  ["Let's go up", { verb: 'move', destination: 'up' }],
  ['go to the north', { verb: 'move', destination: 'north' }],
  ['take the lantern', { verb: 'take', target: 'lantern' }],
  ['pick up the stone', { verb: 'take', target: 'stone' }],
  ['pick the flowers up', { verb: 'take', target: 'flowers' }],
  ['grab key', { verb: 'take', target: 'key' }],
  ['please get the brass key', { verb: 'take', target: 'brass key' }],
  ['take the book from the shelf', { verb: 'take', target: 'book' }],
  ['take out the journal', { verb: 'take', target: 'journal' }],
  ['drop the stone', { verb: 'drop', target: 'stone' }],
  ['put the stone down', { verb: 'drop', target: 'stone' }],
  ['put down the stone', { verb: 'drop', target: 'stone' }],
  ['lay down the stone', { verb: 'drop', target: 'stone' }],
  ['leave the feather here', { verb: 'drop', target: 'feather' }],
  ['place the feather on the ground', { verb: 'drop', target: 'feather' }],
  ['use key on door', { verb: 'use', target: 'key', instrument: 'door' }],
  [
    'use the brass key on the greenhouse door',
    { verb: 'use', target: 'brass key', instrument: 'greenhouse door' },
  ],
  ['unlock the door with the key', { verb: 'use', target: 'key', instrument: 'door' }],
  ['put the seeds in the soil', { verb: 'use', target: 'seeds', instrument: 'soil' }],
  ['open the door', { verb: 'use', target: 'door' }],
  ['light the lantern', { verb: 'use', target: 'lantern' }],
  ['read the book of poems', { verb: 'use', target: 'book of poems' }],
  ['write in the journal', { verb: 'use', target: 'journal' }],
  ['talk to the old woman', { verb: 'talk', character: 'old woman' }],
  ['speak with Tomas', { verb: 'talk', character: 'tomas' }],
  ['ask the librarian about the key', { verb: 'talk', character: 'librarian', target: 'key' }],
  ['say hello to Mira', { verb: 'talk', character: 'mira' }],
  ['greet the gardener', { verb: 'talk', character: 'gardener' }],
  ['hi mira', { verb: 'talk', character: 'mira' }],
  ['hello', { verb: 'talk' }],
  ['inventory', { verb: 'inventory' }],
  ['i', { verb: 'inventory' }],
  ['inv', { verb: 'inventory' }],
  ['What am I carrying?', { verb: 'inventory' }],
  ['check my bag', { verb: 'inventory' }],
  ['help', { verb: 'help' }],
  ['?', { verb: 'help' }],
  ['what can I do', { verb: 'help' }],
  ["I'm stuck", { verb: 'help' }],
  ['can you help me please', { verb: 'help' }],
  ['rest', { verb: 'rest' }],
  ['z', { verb: 'rest' }],
  ['sit down', { verb: 'rest' }],
  ['let me rest for a while', { verb: 'rest' }],
  ['sit on the bench', { verb: 'rest', target: 'bench' }],
  ['take a break', { verb: 'rest' }],
  ['take a deep breath', { verb: 'rest' }],
  ['lie down by the lake', { verb: 'rest', target: 'lake' }],
  ['I feel sad', { verb: 'express', feeling: 'sad' }],
  ["I'm so tired", { verb: 'express', feeling: 'tired' }],
  ['im really anxious', { verb: 'express', feeling: 'anxious' }],
  ['I am not okay', { verb: 'express', feeling: 'not okay' }],
  ['feeling a bit lost today', { verb: 'express', feeling: 'lost' }],
  ['I have been feeling anxious lately', { verb: 'express', feeling: 'anxious' }],
  ['I feel happy!', { verb: 'express', feeling: 'happy' }],
  ['I feel like a burden', { verb: 'express', feeling: 'burden' }],
  ['sad', { verb: 'express', feeling: 'sad' }],
  ['dance with the moon', { verb: 'unknown' }],
  ['blah', { verb: 'unknown' }],
  ['I am at home', { verb: 'unknown' }],
];

describe('parseInput', () => {
  test.each(PHRASINGS)('%j', (text, expected) => {
    expect(parseInput(text).intent).toEqual({ ...expected, confidence: expect.any(Number) });
  });

  test('strips filler, politeness and spacing from the normalised text', () => {
    expect(parseInput('  Please   LET ME   go NORTH!!  ').normalized).toBe('go north');
    expect(parseInput("I'd like to take the lantern, please").normalized).toBe('take the lantern');
    expect(parseInput('Look around.').text).toBe('Look around.');
  });

  test('takes the intent of the first sentence that has one', () => {
    const parsed = parseInput('Hmm. Go north, then take the lantern.');
    expect(parsed.intent).toMatchObject({ verb: 'move', destination: 'north' });
    expect(parsed.normalized).toBe('hmm go north take the lantern');
  });

  test('is surer of a complete command than of a bare verb, and has no confidence for nonsense', () => {
    const complete = parseInput('take the key').intent.confidence;
    const bare = parseInput('take').intent.confidence;
    expect(complete).toBeGreaterThan(bare);
    expect(parseInput('go').intent).toMatchObject({ verb: 'move', confidence: 0.5 });
    expect(parseInput('blah').intent.confidence).toBe(0);
    expect(parseInput('inventory').intent.confidence).toBeGreaterThanOrEqual(0.9);
  });

  test('gives output that matches the input.parse output schema', () => {
    const schema = builtInCapabilitySchemas['input.parse'].output;
    for (const [text] of PHRASINGS) expect(schema.safeParse(parseInput(text)).success).toBe(true);
  });
});

describe('normalizeText', () => {
  test.each([
    ["I don't want to", 'i do not want to'],
    ['i dont want to', 'i do not want to'],
    ['I can\u2019t stop', 'i cannot stop'],
    ['i can not stop', 'i cannot stop'],
    ["I've been", 'i have been'],
    ["I'm here", 'i am here'],
    ["what's the point", 'what is the point'],
    ['self-harm', 'self harm'],
    ["the old woman's key", 'the old woman key'],
    ['WANNA go', 'want to go'],
    ['  many   spaces\tand\nlines ', 'many spaces and lines'],
  ])('%j -> %j', (text, expected) => {
    expect(normalizeText(text)).toBe(expected);
  });
});
