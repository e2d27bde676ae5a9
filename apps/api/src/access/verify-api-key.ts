import { DEVELOPMENT_KEY_ID, type ApiKeyIdentity, type Logger } from '@tta/core';
import type { Request } from 'express';
import type { ApiAuth } from './build-auth';
import { clientAddress, isDirectLoopbackClient } from './client-address';

/**
 * The identity of the API key `presented` with `req`, or `undefined` for an unknown key. The
 * development key (used while no key is configured) counts only from a client on this machine
 * ({@link isDirectLoopbackClient}): from anywhere else it is refused as an unknown key, and the
 * refusal is logged with the client's address (never the key). Every refusal counts as a failed
 * authentication of the client's address (config `auth.failedAttempts`).
 */
export function verifyApiKey(
  auth: ApiAuth,
  req: Request,
  presented: string,
  logger?: Logger,
): ApiKeyIdentity | undefined {
  let identity = auth.keys.verify(presented);
  if (
    identity?.id === DEVELOPMENT_KEY_ID &&
    auth.usesDevelopmentKey &&
    !isDirectLoopbackClient(req)
  ) {
    logger?.warn('development key refused: it is accepted only from this machine', {
      address: clientAddress(req),
      path: req.path,
    });
    identity = undefined;
  }
  if (!identity) auth.failedAuth.recordFailure(clientAddress(req));
  return identity;
}
