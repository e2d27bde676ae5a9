import { NdjsonParser } from '../../src/ndjson-parser';

function parseInChunks(text: string, size: number): unknown[] {
  const parser = new NdjsonParser();
  const values: unknown[] = [];
  for (let at = 0; at < text.length; at += size) {
    values.push(...parser.push(text.slice(at, at + size)));
  }
  return [...values, ...parser.end()];
}

describe('NdjsonParser', () => {
  it('puts lines back together across chunks of any size, with LF or CRLF line ends', () => {
    const text = '{"id":"1-0","note":"a\\nb"}\r\n\n{"id":"1-1","tags":["x","y"]}\n  \n[3]\n"last"';
    for (const size of [1, 2, 3, 5, 7, 11, text.length]) {
      expect(parseInChunks(text, size)).toEqual([
        { id: '1-0', note: 'a\nb' },
        { id: '1-1', tags: ['x', 'y'] },
        [3],
        'last',
      ]);
    }
  });

  it('returns a line as soon as its end comes, and keeps the rest for the next chunk', () => {
    const parser = new NdjsonParser();
    expect(parser.push('{"a":1}\n{"b"')).toEqual([{ a: 1 }]);
    expect(parser.push(':2')).toEqual([]);
    expect(parser.push('}\n')).toEqual([{ b: 2 }]);
    expect(parser.end()).toEqual([]);
  });

  it('throws a SyntaxError naming the line that is not JSON', () => {
    const parser = new NdjsonParser();
    expect(parser.push('{"a":1}\n\n')).toEqual([{ a: 1 }]);
    expect(() => parser.push('{"b":\n')).toThrow(/^line 3 is not JSON/);
    const cut = new NdjsonParser();
    cut.push('{"a":1}\n{"b":');
    expect(() => cut.end()).toThrow(SyntaxError);
  });
});
