import { CapacityError, NotFoundError, RedisUnavailableError, redisFailure } from '@tta/core';
import { isRedisOutage } from '../../src/errors/redis-failure';

const ready = { status: 'ready' };

describe('redisFailure', () => {
  it('keeps an AppError as it is', () => {
    const err = new NotFoundError('task', 'x');
    expect(redisFailure(err, ready)).toBe(err);
  });

  it.each([
    ['a closed connection', new Error('Connection is closed.')],
    [
      'an offline connection',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
    ],
    ['a server loading its data', new Error('LOADING Redis is loading the dataset in memory')],
    ['a cluster without its slots', new Error('CLUSTERDOWN The cluster is down')],
  ])('answers 503 redis_unavailable for %s', (_what, err) => {
    const mapped = redisFailure(err, ready);
    expect(mapped).toBeInstanceOf(RedisUnavailableError);
    expect((mapped as RedisUnavailableError).cause).toBe(err);
  });

  it.each([
    ['a command', new Error("OOM command not allowed when used memory > 'maxmemory'.")],
    [
      'a script',
      new Error(
        "ERR Error running script (call to f_1): @user_script:1: OOM command not allowed when used memory > 'maxmemory'.",
      ),
    ],
    [
      'a transaction',
      Object.assign(new Error('EXECABORT Transaction discarded because of previous errors.'), {
        previousErrors: [new Error("OOM command not allowed when used memory > 'maxmemory'.")],
      }),
    ],
  ])('answers 503 capacity, not redis_unavailable, for %s refused out of memory', (_what, err) => {
    const mapped = redisFailure(err, ready);
    expect(mapped).toBeInstanceOf(CapacityError);
    expect((mapped as CapacityError).code).toBe('capacity');
    expect((mapped as CapacityError).cause).toBe(err);
    expect(isRedisOutage(err, ready)).toBe(false);
  });

  it('answers 503 for any failure while the connection is not ready', () => {
    expect(isRedisOutage(new TypeError('x is undefined'), { status: 'reconnecting' })).toBe(true);
  });

  it('keeps a bug a bug: not an outage, so a 500 rather than a misleading 503', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    expect(isRedisOutage(bug, ready)).toBe(false);
    expect(redisFailure(bug, ready)).toBe(bug);
    expect(redisFailure('a string', ready)).toBeInstanceOf(Error);
    expect(isRedisOutage(new Error('ERR wrong number of arguments for command'), ready)).toBe(
      false,
    );
  });
});
