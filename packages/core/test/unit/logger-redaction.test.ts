import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from '@tta/core';

function captureOne(): { logger: ReturnType<typeof createLogger>; line: Promise<string> } {
  let resolve: (line: string) => void = () => undefined;
  const line = new Promise<string>((r) => (resolve = r));
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      resolve(chunk.toString());
      callback();
    },
  });
  return {
    logger: createLogger({ transports: [new winston.transports.Stream({ stream })] }),
    line,
  };
}

describe('createLogger redaction of nested fields', () => {
  it('redacts API keys, bearer tokens and cookies inside objects such as request headers', async () => {
    const { logger, line } = captureOne();
    const headers = {
      authorization: 'Bearer tta-secret-1',
      'x-api-key': 'tta-secret-2',
      cookie: 'tta_admin_session=ops.1.sig',
      accept: 'text/html',
    };
    logger.warn('refused', { request: { headers, method: 'GET' }, auth: { sessionSecret: 'zz9' } });
    const text = await line;
    for (const secret of ['tta-secret-1', 'tta-secret-2', 'ops.1.sig', 'zz9']) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.parse(text)).toMatchObject({
      request: {
        method: 'GET',
        headers: {
          authorization: '[redacted]',
          'x-api-key': '[redacted]',
          cookie: '[redacted]',
          accept: 'text/html',
        },
      },
    });
    expect(headers.authorization).toBe('Bearer tta-secret-1');
  });
});
