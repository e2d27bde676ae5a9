import { redactUrl } from '@tta/core';
import { redisOptionsFromUrl, redisTargetFromUrl } from '../../src/redis/redis-url';

describe('redisOptionsFromUrl', () => {
  it('defaults host, port and db', () => {
    expect(redisOptionsFromUrl('redis://')).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(redisOptionsFromUrl('redis://cache.internal')).toEqual({
      host: 'cache.internal',
      port: 6379,
      db: 0,
    });
  });

  it('reads port, db and a password without a username', () => {
    const options = redisOptionsFromUrl('redis://:s3cr%40t@cache:6380/4');
    expect(options).toEqual({ host: 'cache', port: 6380, db: 4, password: 's3cr@t' });
    expect(options).not.toHaveProperty('username');
  });

  it('reads an ACL username with its password', () => {
    expect(redisOptionsFromUrl('redis://worker:pw@cache:6379/0')).toMatchObject({
      username: 'worker',
      password: 'pw',
      db: 0,
    });
  });

  it('turns TLS on for rediss://, verifying the certificate unless told not to', () => {
    expect(redisOptionsFromUrl('rediss://cache.example.com:6380').tls).toEqual({
      rejectUnauthorized: true,
      servername: 'cache.example.com',
    });
    expect(redisOptionsFromUrl('rediss://cache.example.com', false).tls).toEqual({
      rejectUnauthorized: false,
      servername: 'cache.example.com',
    });
    expect(redisOptionsFromUrl('redis://cache.example.com').tls).toBeUndefined();
  });

  it('refuses another protocol', () => {
    expect(() => redisOptionsFromUrl('http://cache:6379')).toThrow(
      "invalid Redis URL protocol 'http:'",
    );
  });

  it('refuses a db that is not a number', () => {
    expect(() => redisOptionsFromUrl('redis://cache:6379/sessions')).toThrow(
      "invalid Redis db 'sessions'",
    );
  });

  it('refuses a URL it cannot parse without echoing its password', () => {
    let message = '';
    try {
      redisOptionsFromUrl('redis://:hunter2@ca che:6379');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('invalid Redis URL');
    expect(message).not.toContain('hunter2');
  });
});

describe('redisTargetFromUrl', () => {
  it('reads redis:// and rediss:// as one server', () => {
    expect(redisTargetFromUrl('redis://:pw@cache:6380/2')).toEqual({
      mode: 'standalone',
      options: { host: 'cache', port: 6380, db: 2, password: 'pw' },
    });
    expect(redisTargetFromUrl('rediss://cache').mode).toBe('standalone');
  });

  it('reads redis+cluster:// as seed nodes of a Redis Cluster, with their credentials', () => {
    expect(
      redisTargetFromUrl('redis+cluster://u:p%40ss@10.0.0.1:7000,10.0.0.2,[::1]:7002'),
    ).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
        { host: '::1', port: 7002 },
      ],
      options: { username: 'u', password: 'p@ss' },
    });
  });

  it('turns TLS on for rediss+cluster://', () => {
    expect(redisTargetFromUrl('rediss+cluster://node:7000', false)).toEqual({
      mode: 'cluster',
      nodes: [{ host: 'node', port: 7000 }],
      options: { tls: { rejectUnauthorized: false } },
    });
  });

  it('refuses a db or a query in a cluster URL', () => {
    expect(() => redisTargetFromUrl('redis+cluster://node:7000/1')).toThrow('a cluster has no db');
    expect(() => redisTargetFromUrl('redis+cluster://node:7000?x=1')).toThrow('no query');
  });

  it('reads redis+sentinel:// as the master the sentinels name, with its db and password', () => {
    expect(
      redisTargetFromUrl('redis+sentinel://:secret@s1:26379,s2/mymaster/3?sentinelPassword=sp'),
    ).toEqual({
      mode: 'sentinel',
      options: {
        password: 'secret',
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
        ],
        name: 'mymaster',
        db: 3,
        sentinelPassword: 'sp',
      },
    });
  });

  it('turns TLS on to the master and the sentinels for rediss+sentinel://', () => {
    const { options } = redisTargetFromUrl('rediss+sentinel://s1:26380/main');
    expect(options).toMatchObject({
      name: 'main',
      tls: { rejectUnauthorized: true },
      sentinelTLS: { rejectUnauthorized: true },
      enableTLSForSentinelMode: true,
    });
  });

  it.each([
    ['redis+sentinel://s1:26379', 'name the master'],
    ['redis+sentinel://s1:26379/', 'name the master'],
    ['redis+sentinel://s1:26379/m/x', "invalid Redis db 'x'"],
    ['redis+sentinel://s1:26379/m?foo=1', "unknown parameter 'foo'"],
    ['redis+cluster://', "bad host ''"],
    ['redis+cluster://a:99999', 'bad host'],
    ['redis+shard://a:1', "invalid Redis URL protocol 'redis+shard:'"],
    ['http://a:1', "invalid Redis URL protocol 'http:'"],
  ])('refuses %s (%s)', (url, message) => {
    expect(() => redisTargetFromUrl(url)).toThrow(message);
  });

  it('never echoes a password when it refuses a URL', () => {
    let message = '';
    try {
      redisTargetFromUrl('redis+cluster://:hunter2@a:1,b:99999');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('bad host');
    expect(message).not.toContain('hunter2');
  });
});

describe('redactUrl', () => {
  it('hides the credentials of a URL of several hosts and keeps the hosts', () => {
    expect(redactUrl('redis+cluster://u:pw@a:1,b:2')).toBe('redis+cluster://***@a:1,b:2');
    expect(redactUrl('redis+cluster://a:1,b:2')).toBe('redis+cluster://a:1,b:2');
    expect(redactUrl('redis+sentinel://:pw@s1:26379,s2:26379/m?sentinelPassword=sp')).toBe(
      'redis+sentinel://***@s1:26379,s2:26379/m?sentinelPassword=***',
    );
    expect(redactUrl('redis://:pw@cache:6379/0')).toBe('redis://:***@cache:6379/0');
  });
});
