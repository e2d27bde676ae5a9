import { AppError } from './app-error';

/**
 * The request names a host (`Host` header) the API does not answer to (config
 * `api.allowedHosts`): a page reaching the API by DNS rebinding, or a name not configured yet.
 */
export class HostNotAllowedError extends AppError {
  constructor(host: string) {
    super(
      'host_not_allowed',
      `host '${host}' is not served here; add it to api.allowedHosts (TTA_API_ALLOWED_HOSTS) if it should be`,
      { details: { host } },
    );
  }
}
