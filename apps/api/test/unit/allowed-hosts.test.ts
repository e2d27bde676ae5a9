import { hostOf, isAllowedHost } from '../../src/http/allowed-hosts';

describe('isAllowedHost', () => {
  it.each([
    'localhost',
    'localhost:8080',
    'LOCALHOST.:8080',
    '127.0.0.1:8080',
    '127.0.0.1',
    '[::1]:8080',
    '[::1]',
    // An address: a rebinding page sends its own name, never an address.
    '10.1.2.3:8080',
    '[fd00::5]:8080',
  ])('takes %s with nothing configured', (host) => {
    expect(isAllowedHost(host, [])).toBe(true);
  });

  it('takes a request without Host (HTTP/1.0)', () => {
    expect(isAllowedHost(undefined, [])).toBe(true);
  });

  it.each(['evil.example', 'evil.example:8080', 'localhost.evil.example', 'localhostx'])(
    'refuses %s with nothing configured',
    (host) => {
      expect(isAllowedHost(host, [])).toBe(false);
    },
  );

  it('takes the configured names, any port, any case', () => {
    const allowed = ['api.example.com', '*.tta.example'];
    expect(isAllowedHost('API.example.com:443', allowed)).toBe(true);
    expect(isAllowedHost('eu.tta.example', allowed)).toBe(true);
    expect(isAllowedHost('a.eu.tta.example:8080', allowed)).toBe(true);
    expect(isAllowedHost('tta.example', allowed)).toBe(false);
    expect(isAllowedHost('api.example.com.evil.example', allowed)).toBe(false);
    expect(isAllowedHost('xtta.example', allowed)).toBe(false);
  });

  it('takes anything with *', () => {
    expect(isAllowedHost('evil.example', ['*'])).toBe(true);
  });

  it('reads the host of a header without port, brackets or final dot', () => {
    expect(hostOf('Example.COM.:80')).toBe('example.com');
    expect(hostOf('[::1]:8080')).toBe('::1');
    expect(hostOf('host:')).toBe('host');
  });
});
