import { TtaClient, type SafetyAuditEntry, type SafetyStreamEvent } from '../../src';
import { startLocalApi, type LocalApi, type LocalAnswer } from '../support/local-api';

let api: LocalApi;
let answer: LocalAnswer;

beforeAll(async () => {
  api = await startLocalApi(() => answer);
});

afterAll(() => api.close());

beforeEach(() => {
  api.requests.length = 0;
});

const client = (): TtaClient =>
  new TtaClient({ baseUrl: api.url, apiKey: 'reviewer-key', timeoutMs: 5000 });

const entry = (id: string, extra: Partial<SafetyAuditEntry> = {}): SafetyAuditEntry => ({
  id,
  action: 'event',
  eventId: 'sev_a',
  at: 1,
  ...extra,
});

const line = (e: SafetyAuditEntry): string => `${JSON.stringify(e)}\n`;

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('TtaClient.safetyAudit', () => {
  it('parses entries cut anywhere by the network, a character split between its bytes included', async () => {
    const text = line(entry('1-0', { note: 'café ☕' })) + JSON.stringify(entry('1-1'));
    const bytes = new TextEncoder().encode(text);
    const cafe = text.indexOf('é');
    answer = {
      status: 200,
      contentType: 'application/x-ndjson',
      chunks: [bytes.slice(0, cafe + 1), bytes.slice(cafe + 1, cafe + 7), bytes.slice(cafe + 7)],
    };
    const entries = await collect(client().safetyAudit({ since: 5, limit: 2 }));
    expect(entries).toEqual([entry('1-0', { note: 'café ☕' }), entry('1-1')]);
    expect(api.requests[0]).toMatchObject({
      method: 'GET',
      url: '/v1/safety/audit?since=5&limit=2',
    });
    expect(api.requests[0]?.headers).toMatchObject({
      accept: 'application/x-ndjson',
      authorization: 'Bearer reviewer-key',
    });
  });

  it('yields each entry as its line arrives, before the rest of the body', async () => {
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    answer = {
      status: 200,
      contentType: 'application/x-ndjson',
      chunks: (async function* () {
        yield line(entry('1-0'));
        await released;
        yield line(entry('1-1'));
      })(),
    };
    const entries = client().safetyAudit();
    try {
      await expect(entries.next()).resolves.toEqual({ done: false, value: entry('1-0') });
    } finally {
      release();
    }
    await expect(entries.next()).resolves.toEqual({ done: false, value: entry('1-1') });
    await expect(entries.next()).resolves.toEqual({ done: true, value: undefined });
    // A client that waited for the whole body would wait for ever: the bound fails it.
  }, 5000);

  it('throws the ApiError of an error answer, and a SyntaxError for a line that is not JSON', async () => {
    answer = {
      status: 403,
      json: { error: { code: 'forbidden', message: 'needs safety:review' } },
    };
    await expect(collect(client().safetyAudit())).rejects.toMatchObject({
      status: 403,
      code: 'forbidden',
    });
    answer = {
      status: 200,
      contentType: 'application/x-ndjson',
      chunks: [line(entry('1-0')), '<html>\n'],
    };
    await expect(collect(client().safetyAudit())).rejects.toThrow(/^line 2 is not JSON/);
  });
});

describe('TtaClient.safetyEventStream', () => {
  it('yields the safety events, resuming after lastEventId', async () => {
    const data = { entry: entry('1-0'), event: { id: 'sev_a', status: 'open' } };
    answer = { status: 200, events: [{ event: 'safety', data }] };
    const seen: SafetyStreamEvent[] = await collect(
      client().safetyEventStream({ lastEventId: '1733548800000-0' }),
    );
    expect(seen).toEqual([{ event: 'safety', id: '1', data }]);
    expect(api.requests[0]).toMatchObject({ url: '/v1/safety/events/stream' });
    expect(api.requests[0]?.headers).toMatchObject({
      accept: 'text/event-stream',
      'last-event-id': '1733548800000-0',
    });
    await collect(client().safetyEventStream());
    expect(api.requests[1]?.headers['last-event-id']).toBeUndefined();
  });
});
