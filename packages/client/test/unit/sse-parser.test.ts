import { SseParser } from '../../src/sse-parser';

describe('SseParser', () => {
  it('parses events with id, name and JSON data, skipping comments', () => {
    const parser = new SseParser();
    const events = parser.push(
      ': heartbeat\n\nid: 1\nevent: snapshot\ndata: {"id":"t1","status":"queued"}\n\n' +
        'id: 2\nevent: active\ndata: {"id":"t1"}\n\n',
    );
    expect(events).toEqual([
      { id: '1', event: 'snapshot', data: { id: 't1', status: 'queued' } },
      { id: '2', event: 'active', data: { id: 't1' } },
    ]);
  });

  it('puts events back together across chunks of any size, with CRLF or CR line ends', () => {
    const text =
      'id: 7\r\nevent: progress\r\ndata: {"progress":50}\r\n\r\nevent: done\rdata: 1\r\r';
    for (const size of [1, 2, 3, 5, 8, text.length]) {
      const parser = new SseParser();
      const events = [];
      for (let at = 0; at < text.length; at += size) {
        events.push(...parser.push(text.slice(at, at + size)));
      }
      expect(events).toEqual([
        { id: '7', event: 'progress', data: { progress: 50 } },
        { id: '7', event: 'done', data: 1 },
      ]);
    }
  });

  it('joins data lines, names nameless events message and keeps text that is not JSON', () => {
    const parser = new SseParser();
    expect(parser.push('data: first\ndata: second\n\ndata:{"a":1}\n\n')).toEqual([
      { event: 'message', data: 'first\nsecond' },
      { event: 'message', data: { a: 1 } },
    ]);
  });

  it('sends nothing for an event without data, nor before its blank line', () => {
    const parser = new SseParser();
    expect(parser.push('event: lonely\n\n')).toEqual([]);
    expect(parser.push('event: late\ndata: 1\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'late', data: 1 }]);
  });
});
