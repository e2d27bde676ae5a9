import {
  AppError,
  ConfigError,
  IdempotencyConflictError,
  IllegalStateError,
  NoLiveAgentError,
  NotFoundError,
  RedisUnavailableError,
  UnknownCapabilityError,
  UnknownRequirementsError,
  ValidationError,
  VersionConflictError,
} from '@tta/core';
import { toErrorResponse } from '../../src/http/error-handler';

function bodyParserError(type: string, status: number, extra: object = {}): Error {
  return Object.assign(new Error(`body-parser: ${type}`), { type, status, expose: true, ...extra });
}

describe('toErrorResponse', () => {
  it.each([
    [
      new ValidationError([{ path: 'input.text', message: 'must not be empty' }]),
      400,
      'invalid_input',
    ],
    [new NotFoundError('task', 'cap.x~1'), 404, 'not_found'],
    [new IdempotencyConflictError('k', 'cap.x~1'), 409, 'idempotency_conflict'],
    [new VersionConflictError('world', 1, 2), 409, 'version_conflict'],
    [new UnknownCapabilityError('dream.interpret', ['input.parse']), 422, 'unknown_capability'],
    [
      new UnknownRequirementsError('input.parse', { tier: 'x' }, { tier: 'x' }, []),
      422,
      'unknown_requirements',
    ],
    [new RedisUnavailableError(new Error('ECONNREFUSED')), 503, 'redis_unavailable'],
    [new NoLiveAgentError('input.parse'), 503, 'no_live_agent'],
    [
      new AppError('unsupported_media_type', 'content type must be application/json'),
      415,
      'unsupported_media_type',
    ],
  ])('maps %p to %i %s', (error, status, code) => {
    const response = toErrorResponse(error);
    expect(response).toMatchObject({ status, internal: false, body: { error: { code } } });
    expect(response.body.error.message).toBe(error.message);
  });

  it('keeps the details of an error', () => {
    const error = new ValidationError([{ path: 'priority', message: 'too big' }]);
    expect(toErrorResponse(error).body.error.details).toEqual({
      issues: [{ path: 'priority', message: 'too big' }],
    });
  });

  it('leaves details out when the error has none', () => {
    expect(toErrorResponse(new RedisUnavailableError()).body.error).not.toHaveProperty('details');
  });

  it.each([
    [bodyParserError('entity.parse.failed', 400), 400, 'invalid_json'],
    [bodyParserError('entity.too.large', 413, { limit: 8192 }), 413, 'payload_too_large'],
    [
      bodyParserError('charset.unsupported', 415, { charset: 'latin-9' }),
      415,
      'unsupported_media_type',
    ],
    [
      bodyParserError('encoding.unsupported', 415, { encoding: 'br' }),
      415,
      'unsupported_media_type',
    ],
    [bodyParserError('request.aborted', 400), 400, 'invalid_body'],
    [bodyParserError('request.size.invalid', 400), 400, 'invalid_body'],
  ])('maps the body-parser error %p to %i %s', (error, status, code) => {
    expect(toErrorResponse(error)).toMatchObject({ status, body: { error: { code } } });
  });

  it('maps a body that its Content-Encoding does not decompress (an untyped 400 of body-parser) to invalid_body', () => {
    const zlib = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR' });
    const error = Object.assign(zlib, { status: 400, statusCode: 400, expose: true });
    expect(toErrorResponse(error)).toMatchObject({
      status: 400,
      internal: false,
      body: { error: { code: 'invalid_body' } },
    });
  });

  it('maps a path parameter that does not percent-decode (the router tags it 400) to invalid_input', () => {
    const error = Object.assign(new URIError("Failed to decode param '%E0%A4%A'"), { status: 400 });
    expect(toErrorResponse(error)).toMatchObject({
      status: 400,
      internal: false,
      body: { error: { code: 'invalid_input' } },
    });
    expect(toErrorResponse(new URIError('URI malformed'))).toMatchObject({ status: 500 });
  });

  it('names the limit of a body that is too large', () => {
    const response = toErrorResponse(bodyParserError('entity.too.large', 413, { limit: 8192 }));
    expect(response.body.error).toMatchObject({
      message: 'request body is larger than 8192 bytes',
      details: { limitBytes: 8192 },
    });
  });

  it.each([
    ['a plain Error', new Error('connect ECONNREFUSED 10.0.0.5:6379 password=hunter2')],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
    ['an AppError of an internal code', new IllegalStateError('runtime', 'stopped', 'running')],
    ['a config error', new ConfigError('invalid configuration: redis.url')],
    ['an unknown body-parser error', bodyParserError('stream.not.readable', 500)],
  ])('answers 500 internal with a generic message for %s', (_what, thrown) => {
    expect(toErrorResponse(thrown)).toEqual({
      status: 500,
      internal: true,
      body: { error: { code: 'internal_error', message: 'internal error' } },
    });
  });
});
