import { Writable } from 'node:stream';
import winston from 'winston';
import { AppError, createLogger, toError, type LoggerOptions } from '@tta/core';

/** A logger writing into an array; `next()` resolves with the next line written. */
function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const line = chunk.toString().trimEnd();
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
      callback();
    },
  });
  const logger = createLogger({
    ...options,
    transports: [new winston.transports.Stream({ stream })],
  });
  const next = (): Promise<string> => {
    const line = lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => waiting.push(resolve));
  };
  const nextJson = async (): Promise<Record<string, unknown>> =>
    JSON.parse(await next()) as Record<string, unknown>;
  return { logger, next, nextJson };
}

describe('createLogger', () => {
  it('writes JSON lines with the service, level, message and fields', async () => {
    const { logger, nextJson } = capture({ service: 'api', defaultMeta: { pid: 7 } });
    logger.child({ taskId: 't1' }).info('task accepted', { sessionId: 's1' });
    expect(await nextJson()).toMatchObject({
      level: 'info',
      message: 'task accepted',
      service: 'api',
      pid: 7,
      taskId: 't1',
      sessionId: 's1',
      timestamp: expect.any(String),
    });
  });

  it('drops lines below its level', async () => {
    const { logger, nextJson } = capture({ level: 'warn' });
    logger.info('hidden');
    logger.debug('hidden too');
    logger.warn('shown');
    expect((await nextJson()).message).toBe('shown');
  });

  it('redacts values of secret-looking keys', async () => {
    const { logger, next } = capture();
    logger.child({ accessToken: 'tok-abc' }).info('calling', {
      password: 'hunter2',
      apiKey: 'sk-123',
      'x-api-key': 'xk-1',
      authorization: 'Bearer zzz',
      clientSecret: 'cs-9',
    });
    const line = await next();
    for (const secret of ['tok-abc', 'hunter2', 'sk-123', 'xk-1', 'Bearer zzz', 'cs-9']) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line)).toMatchObject({
      accessToken: '[redacted]',
      password: '[redacted]',
      apiKey: '[redacted]',
      'x-api-key': '[redacted]',
      authorization: '[redacted]',
      clientSecret: '[redacted]',
    });
  });

  it('keeps fields that only look like secret words', async () => {
    const { logger, nextJson } = capture();
    logger.info('task done', { inputTokens: 12, outputTokens: 34, passage: 'You walk on.' });
    expect(await nextJson()).toMatchObject({
      inputTokens: 12,
      outputTokens: 34,
      passage: 'You walk on.',
    });
  });

  it('masks passwords inside URLs, in fields and in the message', async () => {
    const { logger, nextJson } = capture();
    logger.warn('cannot reach redis://worker:hunter2@cache:6379/0', {
      redis: 'rediss://:hunter2@cache.example.com:6380',
      plain: 'redis://cache:6379',
    });
    const line = await nextJson();
    expect(JSON.stringify(line)).not.toContain('hunter2');
    expect(line.message).toBe('cannot reach redis://worker:***@cache:6379/0');
    expect(line.redis).toBe('rediss://:***@cache.example.com:6380');
    expect(line.plain).toBe('redis://cache:6379');
  });

  it('redacts in the pretty format too', async () => {
    const { logger, next } = capture({ format: 'pretty', service: 'worker' });
    logger.info('connected', { password: 'hunter2', agentId: 'a1' });
    const line = await next();
    expect(line).toMatch(/ worker info: connected /);
    expect(line).toContain('agentId=a1');
    expect(line).toContain('password=[redacted]');
    expect(line).not.toContain('hunter2');
  });
});

describe('toError', () => {
  it('returns an Error as it is', () => {
    const error = new AppError('x', 'boom');
    expect(toError(error)).toBe(error);
  });

  it('wraps a string', () => {
    const error = toError('went wrong');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('went wrong');
  });

  it('wraps an object as JSON, keeping it as the cause', () => {
    const thrown = { code: 42 };
    const error = toError(thrown);
    expect(error.message).toBe('{"code":42}');
    expect(error.cause).toBe(thrown);
  });

  it('copes with values JSON cannot show', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(toError(circular).message).toBe('[object Object]');
    expect(toError(undefined).message).toBe('undefined');
  });
});

describe('AppError', () => {
  it('carries a stable code, details, the cause and its own class name', () => {
    const cause = new Error('low level');
    const error = new AppError('budget_exceeded', 'over budget', {
      details: { limit: 1 },
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'AppError',
      code: 'budget_exceeded',
      message: 'over budget',
      details: { limit: 1 },
    });
    expect(error.cause).toBe(cause);
  });
});
