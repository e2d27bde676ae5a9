import { ConfigError, loadConfig } from '@tta/core';

/** The one line `loadConfig` refuses `env` with. */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig({ env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('listener settings', () => {
  it('listen on loopback only unless told otherwise, the API and the diagnostics servers alike', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) {
      const config = loadConfig({ env: { NODE_ENV } });
      expect(config.api.host).toBe('127.0.0.1');
      expect(config.diagnostics.host).toBe('127.0.0.1');
    }
  });

  it('have safe connection limits by default', () => {
    const { api, auth, diagnostics } = loadConfig({ env: {} });
    expect(api).toMatchObject({
      allowedHosts: [],
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 0,
      maxConnectionsPerAddress: 256,
      maxEventStreams: 5000,
      maxEventStreamsPerKey: 1000,
    });
    expect(auth).toMatchObject({ failedAttempts: 20, failedAttemptsWindowSeconds: 60 });
    expect(diagnostics.token).toBe('');
  });

  it('read every setting from its environment variable', () => {
    const config = loadConfig({
      env: {
        TTA_API_HOST: '0.0.0.0',
        TTA_API_ALLOWED_HOSTS: 'api.example.com, *.tta.example ,10.1.2.3,[::1]',
        TTA_API_HEADERS_TIMEOUT_MS: '2000',
        TTA_API_REQUEST_TIMEOUT_MS: '4000',
        TTA_API_KEEP_ALIVE_TIMEOUT_MS: '1000',
        TTA_API_MAX_CONNECTIONS: '500',
        TTA_API_MAX_CONNECTIONS_PER_ADDRESS: '0',
        TTA_API_MAX_EVENT_STREAMS: '30',
        TTA_API_MAX_EVENT_STREAMS_PER_KEY: '3',
        TTA_AUTH_FAILED_ATTEMPTS: '5',
        TTA_AUTH_FAILED_ATTEMPTS_WINDOW_SECONDS: '10',
        TTA_DIAGNOSTICS_HOST: '0.0.0.0',
        TTA_DIAGNOSTICS_TOKEN: 'a-diagnostics-token-of-some-length',
      },
    });
    expect(config.api).toMatchObject({
      host: '0.0.0.0',
      allowedHosts: ['api.example.com', '*.tta.example', '10.1.2.3', '[::1]'],
      headersTimeoutMs: 2000,
      requestTimeoutMs: 4000,
      keepAliveTimeoutMs: 1000,
      maxConnections: 500,
      maxConnectionsPerAddress: 0,
      maxEventStreams: 30,
      maxEventStreamsPerKey: 3,
    });
    expect(config.auth).toMatchObject({ failedAttempts: 5, failedAttemptsWindowSeconds: 10 });
    expect(config.diagnostics).toEqual({
      host: '0.0.0.0',
      token: 'a-diagnostics-token-of-some-length',
    });
  });

  it('take * for any host', () => {
    expect(loadConfig({ env: { TTA_API_ALLOWED_HOSTS: '*' } }).api.allowedHosts).toEqual(['*']);
  });

  it.each([
    ['a URL', 'https://api.example.com', 'https://api.example.com'],
    ['a port', 'api.example.com:8080', 'api.example.com:8080'],
    ['a wildcard inside a name', 'api.*.example.com', 'api.*.example.com'],
    ['a space inside a name', 'api example', 'api example'],
  ])('refuse %s among the allowed hosts, naming the key and the entry', (_what, value, entry) => {
    const message = refusal({ TTA_API_ALLOWED_HOSTS: value });
    expect(message).toMatch(/^invalid configuration: api\.allowedHosts/);
    expect(message).toContain(`'${entry}'`);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('refuse a request timeout shorter than the headers timeout', () => {
    const message = refusal({
      TTA_API_HEADERS_TIMEOUT_MS: '20000',
      TTA_API_REQUEST_TIMEOUT_MS: '10000',
    });
    expect(message).toBe(
      'invalid configuration: api.requestTimeoutMs (TTA_API_REQUEST_TIMEOUT_MS): must be at least api.headersTimeoutMs (20000)',
    );
  });

  it.each([
    ['TTA_API_HEADERS_TIMEOUT_MS', '0', 'api.headersTimeoutMs'],
    ['TTA_API_MAX_CONNECTIONS', '-1', 'api.maxConnections'],
    ['TTA_API_MAX_EVENT_STREAMS_PER_KEY', '0', 'api.maxEventStreamsPerKey'],
    ['TTA_AUTH_FAILED_ATTEMPTS', 'many', 'auth.failedAttempts'],
  ])('refuse %s=%s, naming %s', (name, value, key) => {
    expect(refusal({ [name]: value })).toMatch(new RegExp(`^invalid configuration: ${key}`));
  });

  it('refuse a diagnostics token too short to be a secret', () => {
    expect(refusal({ TTA_DIAGNOSTICS_TOKEN: 'short' })).toMatch(
      /^invalid configuration: diagnostics\.token: must be empty or at least 16 characters/,
    );
  });
});
