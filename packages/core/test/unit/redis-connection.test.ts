import { redisOptionsFromUrl } from '@tta/core';

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
