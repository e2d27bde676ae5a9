import { z } from 'zod';
import { API_SCOPES } from '@tta/contracts';

/** A rate limit of its own for one key, over config `rateLimit`. */
export const apiKeyRateLimitSchema = z
  .object({
    /** Requests allowed per window. Default: config `rateLimit.points`. */
    points: z.number().int().positive().optional(),
    /** Length of the window in seconds. Default: config `rateLimit.durationSeconds`. */
    durationSeconds: z.number().int().positive().optional(),
  })
  .strict();

/** One API key as config `auth.keys` holds it: never the key itself, only its hash. */
export const apiKeyConfigSchema = z
  .object({
    /** Names the key in logs, metrics and rate limits: letters, digits, `_` and `-`. */
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -'),
    /** `sha256:<64 hex digits>` of the key (`npm run hash-key -- <key>` prints it). */
    hash: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 lower-case hex digits> of the key'),
    /**
     * Whose data the key works on: a game server or tenant. Keys of one owner share tasks, runs
     * and dead letters; other owners' answer 404. Default: the key's id.
     */
    owner: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -')
      .optional(),
    /** What the key may do; `admin` implies every other scope. */
    scopes: z.array(z.enum(API_SCOPES)).min(1),
    /** A rate limit of its own, over config `rateLimit`. */
    rateLimit: apiKeyRateLimitSchema.optional(),
  })
  .strict();

/** The list config `auth.keys` holds; ids are unique. */
export const apiKeysConfigSchema = z
  .array(apiKeyConfigSchema)
  .max(1000)
  .superRefine((keys, ctx) => {
    const seen = new Set<string>();
    keys.forEach((key, index) => {
      if (seen.has(key.id)) {
        ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `'${key.id}' is used twice` });
      }
      seen.add(key.id);
    });
  });

/** One configured API key. */
export type ApiKeyConfig = z.infer<typeof apiKeyConfigSchema>;

/** A key's own rate limit. */
export type ApiKeyRateLimit = z.infer<typeof apiKeyRateLimitSchema>;
