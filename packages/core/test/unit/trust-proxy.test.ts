import { ConfigError, loadConfig, trustProxySetting } from '@tta/core';

describe('trustProxySetting', () => {
  it('trusts no proxy for false or nothing', () => {
    expect(trustProxySetting('false')).toBe(false);
    expect(trustProxySetting('')).toBe(false);
    expect(trustProxySetting('  ')).toBe(false);
  });

  it('reads a hop count', () => {
    expect(trustProxySetting('1')).toBe(1);
    expect(trustProxySetting(' 2 ')).toBe(2);
  });

  it('reads a list of addresses, subnets and named ranges', () => {
    expect(trustProxySetting('loopback, 10.0.0.0/8,fd00::/8 , 192.0.2.7')).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.0.2.7',
    ]);
  });

  it('refuses what would believe any client about its own address', () => {
    expect(() => trustProxySetting('true')).toThrow('any client choose its own address');
    expect(() => trustProxySetting('0.0.0.0/0')).toThrow('prefix length from 1 to 32');
    expect(() => trustProxySetting('::/0')).toThrow('prefix length from 1 to 128');
    expect(() => trustProxySetting('0')).toThrow('hop count runs from 1 to 100');
  });

  it('refuses what is not an address, subnet or named range', () => {
    for (const bad of ['proxy.example', '10.0.0.0/33', '10.0.0.1/8/2', 'loopback,', '10.0.0/8']) {
      expect(() => trustProxySetting(bad)).toThrow(/must be false, a hop count/);
    }
  });
});

describe('config api.trustProxy', () => {
  it('trusts no proxy by default', () => {
    expect(loadConfig({ env: {} }).api.trustProxy).toBe('false');
  });

  it('reads TTA_API_TRUST_PROXY and refuses a bad one with a line naming the key', () => {
    expect(loadConfig({ env: { TTA_API_TRUST_PROXY: 'loopback' } }).api.trustProxy).toBe(
      'loopback',
    );
    expect(() => loadConfig({ env: { TTA_API_TRUST_PROXY: 'true' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { TTA_API_TRUST_PROXY: 'true' } })).toThrow(/api\.trustProxy/);
  });
});
