import convict from 'convict';

convict.addFormat({
  name: 'diagnostics-token',
  validate(value: unknown) {
    if (typeof value !== 'string' || (value !== '' && value.trim().length < 16)) {
      throw new Error('must be empty or at least 16 characters');
    }
  },
});

/**
 * The convict schema of config `diagnostics`: the small HTTP server (`/metrics`, `/healthz`) of
 * the supervisor and of every worker; their ports are `supervisor.diagnosticsPort` and
 * `worker.diagnosticsPort`.
 */
export const diagnosticsConfigSchema = {
  host: {
    doc: 'Interface the diagnostics servers of the supervisor and the workers listen on: 127.0.0.1 unless set; 0.0.0.0 for a scraper on another host or container.',
    format: String,
    default: '127.0.0.1',
    env: 'TTA_DIAGNOSTICS_HOST',
  },
  token: {
    doc: 'When set (at least 16 characters), /metrics of the diagnostics servers answers only requests with Authorization: Bearer <token>, others get 401; /healthz stays open for probes.',
    format: 'diagnostics-token',
    default: '',
    env: 'TTA_DIAGNOSTICS_TOKEN',
    sensitive: true,
  },
};
