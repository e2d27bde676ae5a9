import { crossSiteOrigin, type RequestOrigin } from '../../../src/admin/same-origin-guard';

const request = (overrides: Partial<RequestOrigin>): RequestOrigin => ({
  method: 'POST',
  host: 'tta.example:8080',
  origin: undefined,
  referer: undefined,
  ...overrides,
});

describe('crossSiteOrigin', () => {
  it('lets a state-changing request from the same host through', () => {
    expect(crossSiteOrigin(request({ origin: 'http://tta.example:8080' }))).toBeUndefined();
    expect(
      crossSiteOrigin(request({ referer: 'https://tta.example:8080/admin/agents?x=1' })),
    ).toBeUndefined();
  });

  it('names the origin of a request from another site', () => {
    expect(crossSiteOrigin(request({ origin: 'https://evil.example' }))).toBe(
      'https://evil.example',
    );
    expect(crossSiteOrigin(request({ origin: 'http://tta.example:9999' }))).toBe(
      'http://tta.example:9999',
    );
    expect(crossSiteOrigin(request({ referer: 'https://evil.example/page' }))).toBe(
      'https://evil.example/page',
    );
  });

  it('goes by Origin over Referer', () => {
    const both = { origin: 'https://evil.example', referer: 'http://tta.example:8080/admin' };
    expect(crossSiteOrigin(request(both))).toBe('https://evil.example');
  });

  it('refuses an opaque origin and an unparsable one', () => {
    expect(crossSiteOrigin(request({ origin: 'null' }))).toBe('null');
    expect(crossSiteOrigin(request({ referer: 'not a url' }))).toBe('not a url');
  });

  it('refuses a request whose Host header is missing', () => {
    expect(crossSiteOrigin(request({ host: undefined, origin: 'http://tta.example:8080' }))).toBe(
      'http://tta.example:8080',
    );
  });

  it('lets safe methods through whatever their origin, and requests that name none', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) {
      expect(crossSiteOrigin(request({ method, origin: 'https://evil.example' }))).toBeUndefined();
    }
    expect(crossSiteOrigin(request({ method: 'PUT' }))).toBeUndefined();
  });
});
