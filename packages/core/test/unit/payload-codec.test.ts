import { randomBytes } from 'node:crypto';
import { ConfigError, isEnvelope, loadConfig, PayloadCodec, redactEncrypted } from '@tta/core';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const fields = { inputFields: ['text', 'intent'], outputFields: ['passage'] };
const WORDS = 'marmalade-7391 lighthouse at dusk';

describe('PayloadCodec', () => {
  const codec = new PayloadCodec({ keys: [k1], ...fields });

  it('encrypts only the configured fields, and decrypts them back, at any depth', () => {
    const input = { text: WORDS, intent: { verb: 'look', target: 'lighthouse' }, n: 3 };
    const stored = codec.encodeInput(input);
    expect(JSON.stringify(stored)).not.toMatch(/marmalade|lighthouse/);
    expect(isEnvelope(stored.text)).toBe(true);
    expect(stored.n).toBe(3);
    expect(input.text).toBe(WORDS);
    expect(codec.decode({ run: { input: stored }, list: [stored] })).toEqual({
      run: { input },
      list: [input],
    });
    expect(codec.encodeOutput({ passage: WORDS, tone: 'calm' }).tone).toBe('calm');
    expect(codec.encodeOutput('just text')).toBe('just text');
  });

  it('seals a whole value with encodeValue, and leaves it as it is when plain', () => {
    const sealed = codec.encodeValue(WORDS);
    expect(isEnvelope(sealed)).toBe(true);
    expect(JSON.stringify(sealed)).not.toMatch(/marmalade/);
    expect(codec.decode(sealed)).toBe(WORDS);
    expect(codec.encodeValue(sealed)).toBe(sealed);
    expect(PayloadCodec.plain().encodeValue(WORDS)).toBe(WORDS);
  });

  it('uses a fresh IV each time, and does not encrypt twice', () => {
    const a = codec.encodeInput({ text: WORDS });
    const b = codec.encodeInput({ text: WORDS });
    expect(a.text).not.toEqual(b.text);
    expect(codec.encodeInput(a)).toEqual(a);
  });

  it('reads data of an old key after a rotation, and encrypts with the active one', () => {
    const old = codec.encodeInput({ text: WORDS });
    const rotated = new PayloadCodec({ keys: [k1, k2], activeKeyId: 'k2', ...fields });
    expect(rotated.decode(old)).toEqual({ text: WORDS });
    expect((rotated.encodeInput({ text: WORDS }).text as unknown as { kid: string }).kid).toBe(
      'k2',
    );
    const withoutOld = new PayloadCodec({ keys: [k2], ...fields });
    expect(() => withoutOld.decode(old)).toThrow(/no key 'k1'/);
  });

  it('opens an envelope it opened before to an equal, unshared value, and still refuses a forged one', () => {
    const fresh = new PayloadCodec({ keys: [k1], ...fields });
    const sealed = fresh.encodeValue({ words: WORDS }) as Record<string, string>;
    const first = fresh.decode(sealed) as { words: string };
    const second = fresh.decode(sealed) as { words: string };
    expect(second).toEqual({ words: WORDS });
    expect(second).not.toBe(first);
    first.words = 'changed by one caller';
    expect(fresh.decode(sealed)).toEqual({ words: WORDS });
    // Same IV and tag, other ciphertext: not the envelope that was opened, so it is decrypted and fails.
    const ct = Buffer.from(sealed.ct ?? '', 'base64');
    ct[0] = (ct[0] ?? 0) ^ 1;
    expect(() => fresh.decode({ ...sealed, ct: ct.toString('base64') })).toThrow();
    // A key it does not have is refused even for an envelope whose parts it has seen.
    expect(() => fresh.decode({ ...sealed, kid: 'k2' })).toThrow(/no key 'k2'/);
  });

  it('never hands out an IV twice, across refills of its pool', () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 2000; i += 1) {
      ivs.add((codec.encodeInput({ text: 'x' }).text as unknown as { iv: string }).iv);
    }
    expect(ivs.size).toBe(2000);
  });

  it('seals a whole value (a world) in one envelope, and a plain codec leaves it as it is', () => {
    const world = { location: 'meadow', changes: [WORDS] };
    const sealed = codec.encodeValue(world);
    expect(isEnvelope(sealed)).toBe(true);
    expect(JSON.stringify(sealed)).not.toContain('marmalade');
    expect(codec.encodeValue(sealed)).toBe(sealed);
    expect(codec.decode(JSON.parse(JSON.stringify(sealed)))).toEqual(world);
    expect(PayloadCodec.plain().encodeValue(world)).toBe(world);
  });

  it('refuses a ciphertext that was tampered with', () => {
    const stored = codec.encodeInput({ text: WORDS });
    const envelope = stored.text as unknown as { ct: string };
    const ct = Buffer.from(envelope.ct, 'base64');
    ct[0] = (ct[0] ?? 0) ^ 1;
    expect(() => codec.decode({ text: { ...envelope, ct: ct.toString('base64') } })).toThrow();
  });

  it('shows [encrypted] in place of every envelope for pages and lists', () => {
    const stored = codec.encodeInput({ text: WORDS, n: 1 });
    expect(redactEncrypted({ entries: [{ task: { input: stored } }] })).toEqual({
      entries: [{ task: { input: { text: '[encrypted]', n: 1 } } }],
    });
  });
});

describe('PayloadCodec.fromConfig', () => {
  const key = (bytes = 32) => randomBytes(bytes).toString('base64');
  const load = (env: Record<string, string>) => loadConfig({ env });

  it('is plain outside production unless turned on, and on in production', () => {
    expect(PayloadCodec.fromConfig(load({ NODE_ENV: 'development' })).encrypts).toBe(false);
    const keys = JSON.stringify([{ id: 'a', key: key() }]);
    const on = load({
      NODE_ENV: 'test',
      TTA_ENCRYPTION_ENABLED: 'true',
      TTA_ENCRYPTION_KEYS: keys,
    });
    expect(PayloadCodec.fromConfig(on).encrypts).toBe(true);
  });

  it('refuses to start with encryption on and no key, in one line naming the setting', () => {
    const production = { ...load({ NODE_ENV: 'test' }), env: 'production' as const };
    expect(() => PayloadCodec.fromConfig(production)).toThrow(ConfigError);
    expect(() => PayloadCodec.fromConfig(production)).toThrow(/encryption\.keys/);
  });

  it('refuses a key that is not 32 bytes, an id given twice and an unknown active key', () => {
    const on = (keys: unknown, extra: Record<string, string> = {}) =>
      load({
        NODE_ENV: 'test',
        TTA_ENCRYPTION_ENABLED: 'true',
        TTA_ENCRYPTION_KEYS: JSON.stringify(keys),
        ...extra,
      });
    expect(() => PayloadCodec.fromConfig(on([{ id: 'a', key: key(16) }]))).toThrow(/32 bytes/);
    const twice = [
      { id: 'a', key: key() },
      { id: 'a', key: key() },
    ];
    expect(() => PayloadCodec.fromConfig(on(twice))).toThrow(/unique id/);
    const unknown = on([{ id: 'a', key: key() }], { TTA_ENCRYPTION_ACTIVE_KEY_ID: 'b' });
    expect(() => PayloadCodec.fromConfig(unknown)).toThrow(/no key 'b'/);
  });
});
