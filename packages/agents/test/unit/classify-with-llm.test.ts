import { parseIntentAnswer } from '../../src/input/classify-with-llm';

describe('parseIntentAnswer', () => {
  it('reads a JSON intent, lowercasing its entities', () => {
    expect(parseIntentAnswer('{"verb":"take","target":" The Lantern ","confidence":0.8}')).toEqual({
      verb: 'take',
      target: 'the lantern',
      confidence: 0.8,
    });
  });

  it('tolerates code fences and words around the object', () => {
    const answer = 'Sure:\n```json\n{"verb":"move","destination":"north","confidence":0.9}\n```';
    expect(parseIntentAnswer(answer)).toEqual({
      verb: 'move',
      destination: 'north',
      confidence: 0.9,
    });
  });

  it('drops empty entities', () => {
    expect(parseIntentAnswer('{"verb":"look","target":"  ","confidence":1}')).toEqual({
      verb: 'look',
      confidence: 1,
    });
  });

  it.each([
    ['no JSON at all', 'I think they want to go north'],
    ['broken JSON', '{"verb":"move",'],
    ['an unknown verb', '{"verb":"fly","confidence":0.9}'],
    ['a confidence out of range', '{"verb":"look","confidence":3}'],
    ['no confidence', '{"verb":"look"}'],
    ['an unknown key', '{"verb":"look","confidence":0.5,"mood":"happy"}'],
  ])('gives undefined for %s', (_what, answer) => {
    expect(parseIntentAnswer(answer)).toBeUndefined();
  });
});
