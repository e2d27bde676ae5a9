import { connect } from 'node:net';
import { isAlive, seededRandom, testRedisUrl } from '@tta/test-utils';
import { startFleet, type Fleet } from './fleet';
import { hostileRequests, POLLUTION_MARKER, type HostileRequest } from './hostile-requests';
import { recordResult } from './results';
import { scale } from './scale';

const SEED = 8_2005;
const CONCURRENCY = 8;
const ANSWER_TIMEOUT_MS = 10_000;
const HEAD_PAUSE_MS = 20;
const END_AFTER_MS = 3000;
const { fuzz } = scale;

/** How the API answered one request. */
interface Answer {
  kind: string;
  /** HTTP status, or 0 when the connection closed without one. */
  status: number;
  ms: number;
  timedOut: boolean;
  /** The first bytes of the answer, for the report. */
  head: string;
  /** The request line, for the report. */
  request: string;
}

/** Writes the bytes on a fresh connection and reads the answer until the server closes it. */
function send(port: number, request: HostileRequest): Promise<Answer> {
  const started = Date.now();
  const line = request.bytes.subarray(0, 120).toString('latin1').split('\r\n')[0] ?? '';
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, ANSWER_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({
        kind: request.kind,
        status,
        ms: Date.now() - started,
        timedOut,
        head: text.slice(0, 300),
        request: line.slice(0, 120),
      });
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may answer (413, 431) and close before it has read everything: that is fine.
    socket.on('error', () => undefined);
    socket.on('close', done);
    // The head first, the body a moment later unless the server has answered by then: a server
    // that refuses on the head alone (401, 415, 431) closes with the body unread, and the reset
    // that follows would throw its answer away.
    const at = request.bytes.indexOf('\r\n\r\n');
    const head = at < 0 ? request.bytes : request.bytes.subarray(0, at + 4);
    const body = at < 0 ? Buffer.alloc(0) : request.bytes.subarray(at + 4);
    // No half-close after it: Node's server drops an answer still being computed when the
    // client ends its side first. Only a request the server still waits on gets an end.
    socket.write(head);
    setTimeout(() => {
      if (chunks.length === 0 && body.length > 0) socket.write(body);
    }, HEAD_PAUSE_MS);
    setTimeout(() => socket.end(), END_AFTER_MS).unref();
  });
}

async function sendAll(port: number, requests: HostileRequest[]): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  const lane = async () => {
    while (next < requests.length) {
      const request = requests[next++] as HostileRequest;
      answers.push(await send(port, request));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return answers;
}

// Thousands of malformed, oversized and hostile requests (a seeded, reproducible mix) against a
// running API process: none may get a 5xx, none may enqueue anything, the process stays up,
// and a valid request still works afterwards.
describe(`API fuzz (${scale.name}): ${fuzz.requests} hostile requests`, () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet({ redisUrl: testRedisUrl(), supervisor: false });
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
  }, 30_000);

  async function keysUnderPrefix(): Promise<Set<string>> {
    const keys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await fleet.redis.scan(
        cursor,
        'MATCH',
        `${fleet.names.prefix}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      for (const key of batch) keys.add(key);
    } while (cursor !== '0');
    return keys;
  }

  it(
    'answers every one below 500, enqueues nothing and stays up',
    async () => {
      const port = Number(new URL(fleet.apiUrl).port);
      const requests = hostileRequests(seededRandom(SEED), fuzz.requests);
      // Reading a queue's depth makes BullMQ write its `meta` key: read them all first.
      for (const path of ['/v1/capabilities', '/v1/dead-letter', '/metrics']) {
        expect((await fleet.call('GET', path)).status).toBe(200);
      }
      const keysBefore = await keysUnderPrefix();
      const started = Date.now();
      const answers = await sendAll(port, requests);
      const durationMs = Date.now() - started;
      const keysAfter = await keysUnderPrefix();
      const newKeys = [...keysAfter].filter((k) => !keysBefore.has(k));
      for (const k of newKeys)
        process.stdout.write(
          `KEY ${k} ${await fleet.redis.type(k)} ${JSON.stringify((await fleet.redis.type(k)) === 'list' ? await fleet.redis.lrange(k, 0, 5) : (await fleet.redis.type(k)) === 'hash' ? await fleet.redis.hgetall(k) : '')}\n`,
        );
      const apiAlive = isAlive(fleet.api?.child.pid ?? 0);
      const valid = await fleet.call('POST', '/v1/tasks', {
        capability: 'narrative.generate',
        input: { text: 'I look around' },
      });

      const serverErrors = answers.filter((a) => a.status >= 500);
      const unanswered = answers.filter((a) => a.status === 0);
      const echoed = answers.filter((a) => a.head.includes(`"${POLLUTION_MARKER}":true`));
      const byStatus: Record<string, number> = {};
      const byKind: Record<string, Record<string, number>> = {};
      for (const a of answers) {
        byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
        const kind = (byKind[a.kind] ??= {});
        kind[a.status] = (kind[a.status] ?? 0) + 1;
      }
      recordResult(scale.name, 'fuzz', {
        seed: SEED,
        requests: answers.length,
        durationMs,
        byStatus,
        byKind,
        serverErrors: serverErrors.length,
        serverErrorSamples: serverErrors.slice(0, 5).map((a) => `${a.request} -> ${a.status}`),
        unanswered: unanswered.length,
        unansweredSamples: unanswered.slice(0, 20).map((a) => `${a.kind}: ${a.request}`),
        timedOut: answers.filter((a) => a.timedOut).length,
        slowestMs: Math.max(...answers.map((a) => a.ms)),
        newKeys: newKeys.length,
        newKeySamples: newKeys.slice(0, 20),
        apiAlive,
        validRequestAfter: valid.status,
      });

      expect(serverErrors.map((a) => `${a.request} -> ${a.head}`)).toEqual([]);
      expect(answers.filter((a) => a.timedOut).map((a) => a.request)).toEqual([]);
      expect(echoed.map((a) => a.request)).toEqual([]);
      expect(newKeys).toEqual([]);
      expect(apiAlive).toBe(true);
      expect(valid.status).toBe(202);
    },
    fuzz.timeoutMs,
  );
});
