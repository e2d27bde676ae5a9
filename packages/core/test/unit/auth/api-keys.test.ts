import crypto from 'node:crypto';
import { ApiKeys, hashApiKey, type ApiKeyEntry } from '@tta/core';
import { grantsScope } from '@tta/contracts';

const entries: ApiKeyEntry[] = [
  { id: 'producer', hash: hashApiKey('key-producer-1'), scopes: ['tasks:write'] },
  { id: 'reader', hash: hashApiKey('key-reader-2'), scopes: ['tasks:read', 'agents:read'] },
  {
    id: 'ops',
    hash: hashApiKey('key-ops-3'),
    owner: 'operators',
    scopes: ['admin'],
    rateLimit: { points: 5 },
  },
];

describe('hashApiKey', () => {
  it('is sha256:<hex> of the key', () => {
    expect(hashApiKey('abc')).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('ApiKeys.verify', () => {
  const keys = new ApiKeys(entries);

  it('names the key presented, with its owner, scopes and rate limit, never its hash', () => {
    expect(keys.verify('key-reader-2')).toEqual({
      id: 'reader',
      owner: 'reader',
      scopes: ['tasks:read', 'agents:read'],
    });
    expect(keys.verify('key-ops-3')).toEqual({
      id: 'ops',
      owner: 'operators',
      scopes: ['admin'],
      rateLimit: { points: 5 },
    });
  });

  it.each([
    ['an unknown key', 'key-nobody'],
    ['an empty key', ''],
    ['a prefix of a key', 'key-reader-'],
    ['a key with more after it', 'key-reader-2x'],
    ['a key in other case', 'KEY-READER-2'],
    ['the hash instead of the key', hashApiKey('key-reader-2')],
  ])('refuses %s', (_what, presented) => {
    expect(keys.verify(presented)).toBeUndefined();
  });

  it('compares the presented key with every stored hash, whichever matches', () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      for (const presented of ['key-producer-1', 'key-ops-3', 'no-such-key']) {
        compare.mockClear();
        keys.verify(presented);
        expect(compare).toHaveBeenCalledTimes(entries.length);
        for (const [a, b] of compare.mock.calls) {
          expect((a as Buffer).length).toBe(32);
          expect((b as Buffer).length).toBe(32);
        }
      }
    } finally {
      compare.mockRestore();
    }
  });

  it('finds a key by id for admin sessions', () => {
    expect(keys.get('producer')).toEqual({
      id: 'producer',
      owner: 'producer',
      scopes: ['tasks:write'],
    });
    expect(keys.get('nobody')).toBeUndefined();
    expect(keys.size).toBe(3);
  });
});

describe('grantsScope', () => {
  it('grants a held scope, and every scope to admin', () => {
    expect(grantsScope(['tasks:read'], 'tasks:read')).toBe(true);
    expect(grantsScope(['tasks:read'], 'tasks:write')).toBe(false);
    expect(grantsScope(['tasks:write', 'agents:read'], 'admin')).toBe(false);
    expect(grantsScope(['admin'], 'tasks:write')).toBe(true);
    expect(grantsScope(['admin'], 'agents:read')).toBe(true);
  });
});
