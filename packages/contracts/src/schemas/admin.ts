import { z } from 'zod';
import { epochMsSchema } from './common';

/** One live admin session (a browser logged in at `/admin/login`). */
export const adminSessionSchema = z.object({
  id: z.string().describe('the session id: 128 random bits, base64url; not enough to use it'),
  keyId: z.string().describe('the API key that logged in'),
  createdAt: epochMsSchema,
  expiresAt: epochMsSchema,
  address: z.string().describe('the client address it logged in from; empty when unknown'),
  userAgent: z.string().describe('the User-Agent it logged in with; empty when none'),
  own: z.boolean().describe('whether it was logged in with the key of this request'),
  current: z.boolean().describe('whether this very request came with it (its cookie)'),
});

/** One live admin session as the API reports it. */
export type AdminSessionView = z.output<typeof adminSessionSchema>;

/** The answer of `GET /v1/admin/sessions`: the live sessions, newest first. */
export const adminSessionListSchema = z.object({ sessions: z.array(adminSessionSchema) });

/** The live admin sessions, newest first. */
export type AdminSessionList = z.output<typeof adminSessionListSchema>;
